// When a full run's look-through rounds stop at their cap, the parties whose share may be short of its
// limit: those the rounds would still have recomputed ($eids, element ids: the next round's candidates and
// the deferred ones) and every party below them through ownership interests, one level per call (called
// with the level it returns until that is empty). Every other party's share is the least fixed point
// within the tolerance: its ancestry was recomputed after its holders' last moves. Each party marked gets
// w_lt_short and working state (w_run), so write_verdicts stores a verdict saying so even for a share of 0.
// A seed's share is 100% whatever holds it: it is neither marked nor passed through.
// Parameters: $run, $eids
UNWIND $eids AS eid
MATCH (x:Party)
WHERE elementId(x) = eid AND x.w_lt_short IS NULL AND x.w_seed IS NULL
SET x.w_lt_short = true, x.w_run = $run
WITH x
OPTIONAL MATCH (x)-[:OWNS]->(s:Party)
WHERE s.w_lt_short IS NULL
RETURN count(DISTINCT x) AS marked, collect(DISTINCT elementId(s)) AS next
