"""Repository layer: what API routes and the CLI ask of the graph, each backed by catalogued Cypher."""
