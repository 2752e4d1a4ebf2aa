// An incremental run's region: the changed parties and everything below them through ownership or control.
// Parameters: $run, $ids
UNWIND $ids AS id
MATCH (c:Party {id: id})
USING INDEX c:Party(id)
OPTIONAL MATCH (c)-[:OWNS|CONTROLS*1..]->(d:Party)
WITH collect(DISTINCT c) + collect(DISTINCT d) AS region
UNWIND region AS p
WITH DISTINCT p
SET p.w_run = $run, p.w_region = true
RETURN count(p) AS region
