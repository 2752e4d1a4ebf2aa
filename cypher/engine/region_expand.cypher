// An incremental run's region, next level: every party held by the frontier $round that is not yet in
// the region joins it as frontier $round + 1. Returns how many joined (0: the region is complete).
// Parameters: $run, $round
MATCH (p:Party)
USING INDEX p:Party(w_run)
WHERE p.w_run = $run AND p.w_front = $round
MATCH (p)-[:OWNS|CONTROLS]->(d:Party)
WHERE d.w_run IS NULL OR d.w_run <> $run
WITH DISTINCT d
SET d.w_run = $run, d.w_region = true, d.w_front = $round + 1
RETURN count(d) AS added
