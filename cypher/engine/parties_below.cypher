// The given parties and every party below them through ownership and control (any date), at most $limit
// of them, in one statement: DISTINCT on the end node keeps Neo4j's breadth-first pruning expand, and the
// LIMIT after it stops the walk once $limit parties are found (one round trip per level took 3-4 times as
// long for a what-if's changes three levels up; README, "Benchmarks").
// $known: parties the caller has already found with everything below them; the walk does not enter them
// (the caller adds them). A predicate on all the path's nodes keeps the pruning expand.
// Parameters: $ids, $known, $limit
MATCH (s:Party)
WHERE s.id IN $ids
MATCH path = (s)-[:OWNS|CONTROLS*0..]->(d:Party)
WHERE all(n IN nodes(path) WHERE NOT n.id IN $known)
WITH DISTINCT d
LIMIT $limit
RETURN collect(d.id) AS ids
