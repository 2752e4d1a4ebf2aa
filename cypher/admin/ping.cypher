// Cheapest round trip through the query engine.
// Parameters: none
RETURN 1 AS ok
