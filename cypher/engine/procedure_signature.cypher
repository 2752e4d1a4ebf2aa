// The signature of the procedure named $name when the server has it (no row otherwise): the engine uses the
// project's walk procedure only when the server has it with the signature it expects (app/neo4j_plugin.py).
// Parameters: $name
SHOW PROCEDURES YIELD name, signature WHERE name = $name
RETURN signature
