// Sets properties of a generation (change counts, the generation it replaced, delivery state).
// Parameters: $id, $props
MATCH (g:Generation {id: $id})
SET g += $props
