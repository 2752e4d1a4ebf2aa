// Marks a generation that did not finish; it is never read.
// Parameters: $id, $error
MATCH (g:Generation {id: $id})
SET g.status = 'failed', g.error = $error
