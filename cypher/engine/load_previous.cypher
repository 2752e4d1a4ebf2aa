// An incremental run reads the base generation lazily: before a round, the parties that round can read
// or recompute and that have no working state yet get what the base generation ($layers, newest first)
// said of them: membership, seed reason, pin, look-through share (marked w_base; written again only if
// a round recomputes them). Those are the subjects of $frontier (the round's candidates, always) and
// their holders, and with $region_holders the holders of every region party (round 0 visits the whole
// region). A holder the base held clear with no look-through share is left without working state: the
// rounds read that as exactly that, and not writing it (then wiping it) saves a third of this statement.
// Partitioned ($part of $parts; 2 parts: party ids ending in one of $half, and the others) so two
// transactions can share the work on disjoint parties.
// Parameters: $part, $parts, $half, $run, $frontier, $region_holders, $layers
CALL () {
  UNWIND $frontier AS id
  MATCH (f:Party {id: id})
  USING INDEX f:Party(id)
  MATCH (f)-[:OWNS|CONTROLS]->(x:Party)
  WITH DISTINCT x
  CALL (x) {
    MATCH (x)<-[:OWNS|CONTROLS]-(h:Party)
    RETURN h AS p, false AS candidate
    UNION
    RETURN x AS p, true AS candidate
  }
  RETURN p, candidate
  UNION
  UNWIND CASE WHEN $region_holders THEN [true] ELSE [] END AS wanted
  MATCH (x:Party)
  USING INDEX x:Party(w_run)
  WHERE x.w_run = $run AND x.w_region
  MATCH (x)<-[:OWNS|CONTROLS]-(p:Party)
  RETURN p, false AS candidate
}
WITH p, max(CASE WHEN candidate THEN 1 ELSE 0 END) = 1 AS candidate
WHERE coalesce(p.w_run <> $run, true) AND ($parts = 1 OR (right(p.id, 1) IN $half) = ($part = 0))
CALL (p) {
  :include newest_verdict(OPTIONAL MATCH, v, $layers, p.id)
}
WITH p, v, candidate
WHERE candidate OR v.verdict IN ['restricted', 'review'] OR v.lookthrough_max > 0
SET p.w_run = $run, p.w_base = true,
    p.w_lower = coalesce(v.verdict = 'restricted', false),
    p.w_upper = coalesce(v.verdict IN ['restricted', 'review'], false),
    p.w_seed = v.seed_reason,
    p.w_pin = CASE WHEN v.pinned THEN v.verdict END, p.w_pin_reason = v.pin_reason,
    p.w_lt_lo = CASE WHEN v.lookthrough_max > 0 THEN v.lookthrough_min / 100.0 END,
    p.w_lt_hi = CASE WHEN v.lookthrough_max > 0 THEN v.lookthrough_max / 100.0 END
RETURN count(p) AS loaded
