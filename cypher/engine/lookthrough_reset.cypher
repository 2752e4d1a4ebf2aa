// Before an incremental run's look-through rounds, which start from the base generation's values: a
// look-through share at the cap (100%) can be held up by a cycle of 100% stakes alone once the support
// that lifted it is gone, and rounds starting from it would never bring it down. So the subjects of
// $frontier (level 0: the changed parties) whose share is at the cap start again from nothing (and are
// written again whatever they come to), and so on below them. Their working state is loaded first
// (load_previous). Returns their party ids, the next level's frontier.
// Parameters: $run, $frontier, $cap
UNWIND $frontier AS id
MATCH (f:Party {id: id})
USING INDEX f:Party(id)
MATCH (f)-[:OWNS]->(x:Party)
WITH DISTINCT x
WHERE x.w_run = $run AND x.w_seed IS NULL AND x.w_lt_hi >= $cap AND NOT coalesce(x.w_lt_reset, false)
SET x.w_lt_lo = null, x.w_lt_hi = null, x.w_lt_reset = true, x.w_lt_moved = true
RETURN collect(x.id) AS reset
