// The holders just outside an incremental run's region keep what the previous generation said of them:
// membership and look-through. They are fixed inputs to the region's rounds; those with a look-through
// share start the look-through rounds (their party ids are returned as part of that first frontier).
// Parameters: $run, $previous
MATCH (x:Party)
USING INDEX x:Party(w_run)
WHERE x.w_run = $run AND x.w_region
MATCH (x)<-[:OWNS|CONTROLS]-(h:Party)
WHERE NOT coalesce(h.w_run = $run AND h.w_region, false)
WITH DISTINCT h
MATCH (v:Verdict {generation: $previous, party_id: h.id})
USING INDEX v:Verdict(generation, party_id)
WHERE v.verdict IN ['restricted', 'review'] OR v.lookthrough_max > 0
SET h.w_run = $run,
    h.w_lower = v.verdict = 'restricted', h.w_upper = v.verdict IN ['restricted', 'review'],
    h.w_lt_lo = CASE WHEN v.lookthrough_max > 0 THEN v.lookthrough_min / 100.0 END,
    h.w_lt_hi = CASE WHEN v.lookthrough_max > 0 THEN v.lookthrough_max / 100.0 END
RETURN count(h) AS boundary, collect(CASE WHEN v.lookthrough_max > 0 THEN h.id END) AS lookthrough_frontier
