// Which of the given identifier keys name each of the given parties (policy seed lists).
// Parameters: $ids, $keys
UNWIND $keys AS key
MATCH (:Identifier {key: key})-[:IDENTIFIES]->(p:Party)
WHERE p.id IN $ids
RETURN p.id AS id, collect(key) AS keys
