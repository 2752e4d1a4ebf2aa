// Opens a generation: verdicts of one policy version over one data snapshot at one as-of date.
// Parameters: $id, $props
CREATE (g:Generation {id: $id})
SET g += $props, g.status = 'computing'
