// An incremental run's parties whose look-through share moved but whose membership and restricted share
// were not recomputed: their base verdict (newest in $base_layers; none: clear with 0%) with the new
// look-through share, written into the generation when it differs from the base's. At most $limit per
// call (called until it handles none), working state wiped in the same transaction. Returns how many
// parties were handled and how many verdicts written.
// Partitioned ($part of $parts; 2 parts: party ids ending in one of $half, and the others) so two
// transactions can share the work on disjoint parties.
// Parameters: $part, $parts, $half, $run, $generation, $layer, $base_layers, $limit
MATCH (x:Party)
USING INDEX x:Party(w_run)
WHERE x.w_run = $run AND x.w_lt_moved AND NOT coalesce(x.w_calc, false)
  AND ($parts = 1 OR (right(x.id, 1) IN $half) = ($part = 0))
WITH x LIMIT $limit
CALL (x) {
  :include newest_verdict(OPTIONAL MATCH, o, $base_layers, x.id)
}
WITH x, o, coalesce(x.w_lt_lo, 0.0) * 100.0 AS lt_min, coalesce(x.w_lt_hi, 0.0) * 100.0 AS lt_max
CALL (x, o, lt_min, lt_max) {
  WITH x, o, lt_min, lt_max
  WHERE round(lt_min, 9) <> round(coalesce(o.lookthrough_min, 0.0), 9)
     OR round(lt_max, 9) <> round(coalesce(o.lookthrough_max, 0.0), 9)  // loaded /100, written x100
  CREATE (v:Verdict {generation: $generation, party_id: x.id, layer: $layer})
  SET v += coalesce(o {.*, generation: $generation, party_id: x.id, layer: $layer},
                    {verdict: 'clear', seed: false, pinned: false, share_min: 0.0, share_min_exclusive: false,
                     share_max: 0.0, share_max_exclusive: false, control_definite: false, control_possible: false}),
      v.lookthrough_min = lt_min, v.lookthrough_max = lt_max
  RETURN count(v) AS created
}
REMOVE x.w_run, x.w_round, x.w_region, x.w_lower, x.w_upper, x.w_seed, x.w_pin, x.w_pin_reason, x.w_lo, x.w_hi,
       x.w_rem, x.w_cl, x.w_cu, x.w_lt_lo, x.w_lt_hi, x.w_lt_round, x.w_front, x.w_started, x.w_calc,
       x.w_base, x.w_old_upper, x.w_lt_moved, x.w_lt_reset, x.w_lt_short
RETURN count(x) AS handled, sum(created) AS written
