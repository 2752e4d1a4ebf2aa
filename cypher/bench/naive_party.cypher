// Benchmark baseline only: one party per auto-commit transaction, the way a first loader is often written.
// Parameters: $key, $name
MERGE (i:Identifier {key: $key})
MERGE (i)-[:IDENTIFIES]->(p:Party {id: $key})
SET p.name = $name
