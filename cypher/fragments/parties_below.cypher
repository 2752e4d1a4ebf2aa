// The given parties and every party below them through ownership and control (any date), at most
// $below_limit of them (the end of a subquery): DISTINCT on the end node keeps Neo4j's breadth-first pruning
// expand, and the LIMIT after it stops the walk once that many parties are found (one round trip per level
// took 3-4 times as long for a what-if's changes three levels up; README, "Benchmarks").
// $below_known: parties the caller has already found with everything below them; the walk does not enter
// them (the caller adds them). A predicate on all the path's nodes keeps the pruning expand.
// `parties_below` runs it alone, `stored_bundle_below` with a party's bundle (a what-if's search, in the
// same round trip).
// Gives: below (the ids found). Neo4j 5.26 plans the DISTINCT as one pruning expand for each start party,
// with no Distinct after them: a party below two starts comes back twice, each time counted by the LIMIT
// (the caller tells such a search cut short and runs it again; `_cut_short` in app/engine/shifted.py).
// Parameters: $below_ids, $below_known, $below_limit
MATCH (s:Party)
WHERE s.id IN $below_ids
MATCH path = (s)-[:OWNS|CONTROLS*0..]->(d:Party)
WHERE all(n IN nodes(path) WHERE NOT n.id IN $below_known)
WITH DISTINCT d
LIMIT $below_limit
RETURN collect(d.id) AS below
