// An incremental run's region, next level: the subjects of the frontier $round's parties that the base
// generation held restricted or possibly restricted join the region as frontier $round + 1 (with what the
// base said of them, as in region_mark). Below a party that was a member nothing can lose support
// except through it; below one that was not, nothing depended on it, and anything that gains membership
// there is reached by the fixed point's own rounds. Breadth-first, so shared subsidiaries are reached
// once. Returns how many joined (0: the region is complete).
// Parameters: $run, $round, $layers
MATCH (p:Party)
USING INDEX p:Party(w_run)
WHERE p.w_run = $run AND p.w_front = $round AND p.w_old_upper
MATCH (p)-[:OWNS|CONTROLS]->(d:Party)
WHERE d.w_run IS NULL OR d.w_run <> $run
WITH DISTINCT d
CALL (d) {
  :include newest_verdict(OPTIONAL MATCH, v, $layers, d.id)
}
SET d.w_run = $run, d.w_region = true, d.w_front = $round + 1,
    d.w_old_upper = coalesce(v.verdict IN ['restricted', 'review'], false),
    d.w_lt_lo = CASE WHEN v.lookthrough_max > 0 THEN v.lookthrough_min / 100.0 END,
    d.w_lt_hi = CASE WHEN v.lookthrough_max > 0 THEN v.lookthrough_max / 100.0 END
RETURN count(d) AS added
