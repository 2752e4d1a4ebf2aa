// An incremental run's region, first step: the changed parties themselves (frontier 0), with what the
// base generation said of them ($layers, newest first; a party's newest verdict there counts): whether
// it was restricted or possibly restricted (the region grows below such parties only) and its
// look-through share (the starting value of the look-through rounds). Their membership starts empty
// and is derived again.
// Parameters: $run, $ids, $layers
UNWIND $ids AS id
MATCH (c:Party {id: id})
USING INDEX c:Party(id)
WITH DISTINCT c
CALL (c) {
  :include newest_verdict(OPTIONAL MATCH, v, $layers, c.id)
}
SET c.w_run = $run, c.w_region = true, c.w_front = 0,
    c.w_old_upper = coalesce(v.verdict IN ['restricted', 'review'], false),
    c.w_lt_lo = CASE WHEN v.lookthrough_max > 0 THEN v.lookthrough_min / 100.0 END,
    c.w_lt_hi = CASE WHEN v.lookthrough_max > 0 THEN v.lookthrough_max / 100.0 END
RETURN count(c) AS region
