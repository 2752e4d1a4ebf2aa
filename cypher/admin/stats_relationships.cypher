// Relationship counts per type.
// Parameters: none
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS count
ORDER BY type
