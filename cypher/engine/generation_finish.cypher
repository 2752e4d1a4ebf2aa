// Closes a generation with its counts and publishes it: readers switch to it in one step.
// Parameters: $id, $props
MATCH (g:Generation {id: $id})
SET g += $props, g.status = 'published'
RETURN g.id AS id
