// An incremental run's region, first step: the changed parties themselves (frontier 0). The region grows
// by region_expand, one level per call, until it adds nobody: breadth-first, so shared subsidiaries are
// reached once (a variable-length path match would enumerate every path to them).
// Parameters: $run, $ids
UNWIND $ids AS id
MATCH (c:Party {id: id})
USING INDEX c:Party(id)
WITH DISTINCT c
SET c.w_run = $run, c.w_region = true, c.w_front = 0
RETURN count(c) AS region
