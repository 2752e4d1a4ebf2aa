// Which party each identifier key already names.
// Parameters: $keys (list of 'SCHEME:ID' strings)
UNWIND $keys AS key
MATCH (:Identifier {key: key})-[:IDENTIFIES]->(p:Party)
RETURN key, p.id AS id
