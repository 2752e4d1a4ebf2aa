// Which of the given identifier keys name each of the given parties (policy seed lists).
// Parameters: $ids, $keys
UNWIND $keys AS key
MATCH (i:Identifier {key: key})-[:IDENTIFIES]->(p:Party)
USING INDEX i:Identifier(key)
WHERE p.id IN $ids
RETURN p.id AS id, collect(key) AS keys
