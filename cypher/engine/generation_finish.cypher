// Closes a generation with its counts: 'published' (readers switch to it in one step) or 'computed'
// (finished, waiting for checks before a refresh publishes it).
// Parameters: $id, $status, $props
MATCH (g:Generation {id: $id})
SET g += $props, g.status = $status
RETURN g.id AS id
