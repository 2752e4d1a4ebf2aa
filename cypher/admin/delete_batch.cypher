// Deletes up to $limit nodes with their relationships; called until it returns 0.
// Parameters: $limit
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
