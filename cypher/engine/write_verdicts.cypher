// Stores one verdict per touched party for the generation (parties never touched are clear with a
// restricted share of 0). restricted: a seed, a pinned restricted entity, or the lower bound passes;
// review: only the upper bound passes; clear: neither. Bounds are decoded from the exact integers.
// At most $limit parties per call (called until it returns 0), each party's working state wiped in the
// same transaction: touching each party once instead of twice (write, then wipe) saves a third of the
// end of a run, and a wiped party no longer matches, which is what moves the batches on.
// An incremental run ($region) considers only the parties its rounds recomputed (w_calc: the region and
// the fixed point's candidates) and writes those whose verdict differs from the base generation's
// ($base_layers, newest first; none: clear with 0%); every other verdict of the generation is the base's.
// A party whose look-through share may be short of its limit (w_lt_short: mark_lookthrough_short, full
// runs only) has lookthrough_converged false; the others have none.
// Look-through-only changes are written by write_lookthrough_only, the rest of the working state is
// wiped by clear_work. $layer: the generation's depth in its stack of layers (the newest verdict wins).
// Returns how many parties were handled (what moves the batches on) and how many verdicts written.
// Partitioned ($part of $parts; 2 parts: party ids ending in one of $half, and the others) so two
// transactions can share the work on disjoint parties.
// Parameters: $part, $parts, $half, $run, $generation, $layer, $base_layers, $K, $hundred, $region, $limit
MATCH (x:Party)
USING INDEX x:Party(w_run)
WHERE x.w_run = $run AND (NOT $region OR coalesce(x.w_calc, false))
  AND ($parts = 1 OR (right(x.id, 1) IN $half) = ($part = 0))
WITH x LIMIT $limit
WITH x, CASE WHEN coalesce(x.w_lo, 0) > $hundred THEN $hundred ELSE coalesce(x.w_lo, 0) END AS lo,
     CASE WHEN coalesce(x.w_hi, 0) > coalesce(x.w_rem, 0) THEN coalesce(x.w_hi, 0) ELSE coalesce(x.w_rem, 0) END
       AS hi_raw
WITH x, lo, CASE WHEN hi_raw > $hundred THEN $hundred ELSE hi_raw END AS hi
WITH x, {
  verdict: CASE WHEN x.w_pin IS NOT NULL THEN x.w_pin
                WHEN x.w_seed IS NOT NULL OR coalesce(x.w_lower, false) THEN 'restricted'
                WHEN coalesce(x.w_upper, false) THEN 'review'
                ELSE 'clear' END,
  seed: x.w_seed IS NOT NULL,
  seed_reason: x.w_seed,
  pinned: x.w_pin IS NOT NULL,
  pin_reason: x.w_pin_reason,
  share_min: CASE WHEN x.w_seed IS NOT NULL THEN 100.0 ELSE toFloat(lo / $K) / 1000000.0 END,
  share_min_exclusive: x.w_seed IS NULL AND lo % $K <> 0,
  share_max: CASE WHEN x.w_seed IS NOT NULL THEN 100.0 ELSE toFloat((hi + $K - 1) / $K) / 1000000.0 END,
  share_max_exclusive: x.w_seed IS NULL AND hi % $K <> 0,
  undisclosed_max: CASE WHEN x.w_rem IS NULL OR x.w_rem <= 0 THEN null
                        ELSE toFloat((x.w_rem + $K - 1) / $K) / 1000000.0 END,
  control_definite: coalesce(x.w_cl, false),
  control_possible: coalesce(x.w_cu, false),
  lookthrough_min: coalesce(x.w_lt_lo, 0.0) * 100.0,
  lookthrough_max: coalesce(x.w_lt_hi, 0.0) * 100.0,
  lookthrough_converged: CASE WHEN x.w_lt_short THEN false END
} AS new
OPTIONAL CALL (x) {
  WITH x WHERE $region
  :include newest_verdict(MATCH, o, $base_layers, x.id)
}
WITH x, new, NOT $region OR
     [new.verdict, coalesce(new.seed_reason, ''), coalesce(new.pin_reason, ''), new.share_min,
      new.share_min_exclusive, new.share_max,
      new.share_max_exclusive, coalesce(new.undisclosed_max, -1.0), new.control_definite, new.control_possible,
      round(new.lookthrough_min, 9), round(new.lookthrough_max, 9)] <>
     [coalesce(o.verdict, 'clear'), coalesce(o.seed_reason, ''), coalesce(o.pin_reason, ''), coalesce(o.share_min, 0.0),
      coalesce(o.share_min_exclusive, false), coalesce(o.share_max, 0.0), coalesce(o.share_max_exclusive, false),
      coalesce(o.undisclosed_max, -1.0), coalesce(o.control_definite, false), coalesce(o.control_possible, false),
      round(coalesce(o.lookthrough_min, 0.0), 9), round(coalesce(o.lookthrough_max, 0.0), 9)] AS differs
CALL (x, new, differs) {
  WITH x, new WHERE differs
  CREATE (v:Verdict {generation: $generation, party_id: x.id, layer: $layer})
  SET v += new
  RETURN count(v) AS created
}
REMOVE x.w_run, x.w_round, x.w_region, x.w_lower, x.w_upper, x.w_seed, x.w_pin, x.w_pin_reason, x.w_lo, x.w_hi,
       x.w_rem, x.w_cl, x.w_cu, x.w_lt_lo, x.w_lt_hi, x.w_lt_round, x.w_front, x.w_started, x.w_calc,
       x.w_base, x.w_old_upper, x.w_lt_moved, x.w_lt_reset, x.w_lt_short
RETURN count(x) AS handled, sum(created) AS written
