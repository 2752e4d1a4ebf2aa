// The identifier keys of many parties.
// Parameters: $ids
UNWIND $ids AS id
MATCH (i:Identifier)-[:IDENTIFIES]->(p:Party {id: id})
RETURN id, collect(i.key) AS identifiers
