// Which party each identifier key already names.
// Parameters: $keys (list of 'SCHEME:ID' strings)
UNWIND $keys AS key
MATCH (i:Identifier {key: key})-[:IDENTIFIES]->(p:Party)
USING INDEX i:Identifier(key)
RETURN key, p.id AS id
