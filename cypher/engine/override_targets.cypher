// The parties, among the given ones, that policy overrides name (by identifier key or platform id).
// Parameters: $refs, $ids
UNWIND $refs AS ref
OPTIONAL MATCH (:Identifier {key: ref})-[:IDENTIFIES]->(by_key:Party)
OPTIONAL MATCH (by_id:Party {id: ref})
WITH ref, coalesce(by_key, by_id) AS p
WHERE p IS NOT NULL AND p.id IN $ids
RETURN ref, p.id AS id
