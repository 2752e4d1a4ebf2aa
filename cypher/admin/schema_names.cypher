// Names and states of the indexes present (a constraint's backing index carries its name), for readiness.
// Parameters: none
SHOW INDEXES YIELD name, state
RETURN name, state
