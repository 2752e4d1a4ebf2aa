// Stores one verdict per touched party for the generation (parties never touched are clear with a
// restricted share of 0). restricted: a seed, a pinned restricted entity, or the lower bound passes;
// review: only the upper bound passes; clear: neither. Bounds are decoded from the exact integers.
// Runs in its own transactions of 10,000 parties (auto-commit).
// An incremental run ($region) writes only its region; the rest is copied from the previous generation.
// Parameters: $run, $generation, $K, $hundred, $region
MATCH (x:Party)
USING INDEX x:Party(w_run)
WHERE x.w_run = $run AND (NOT $region OR coalesce(x.w_region, false))
CALL (x) {
  WITH x, CASE WHEN coalesce(x.w_lo, 0) > $hundred THEN $hundred ELSE coalesce(x.w_lo, 0) END AS lo,
       CASE WHEN coalesce(x.w_hi, 0) > coalesce(x.w_rem, 0) THEN coalesce(x.w_hi, 0) ELSE coalesce(x.w_rem, 0) END
         AS hi_raw
  WITH x, lo, CASE WHEN hi_raw > $hundred THEN $hundred ELSE hi_raw END AS hi
  CREATE (v:Verdict {generation: $generation, party_id: x.id})
  SET v.verdict = CASE WHEN x.w_pin IS NOT NULL THEN x.w_pin
                       WHEN x.w_seed IS NOT NULL OR coalesce(x.w_lower, false) THEN 'restricted'
                       WHEN coalesce(x.w_upper, false) THEN 'review'
                       ELSE 'clear' END,
      v.seed = x.w_seed IS NOT NULL,
      v.seed_reason = x.w_seed,
      v.pinned = x.w_pin IS NOT NULL,
      v.pin_reason = x.w_pin_reason,
      v.share_min = CASE WHEN x.w_seed IS NOT NULL THEN 100.0 ELSE toFloat(lo / $K) / 1000000.0 END,
      v.share_min_exclusive = x.w_seed IS NULL AND lo % $K <> 0,
      v.share_max = CASE WHEN x.w_seed IS NOT NULL THEN 100.0 ELSE toFloat((hi + $K - 1) / $K) / 1000000.0 END,
      v.share_max_exclusive = x.w_seed IS NULL AND hi % $K <> 0,
      v.undisclosed_max = CASE WHEN x.w_rem IS NULL OR x.w_rem <= 0 THEN null
                               ELSE toFloat((x.w_rem + $K - 1) / $K) / 1000000.0 END,
      v.control_definite = coalesce(x.w_cl, false),
      v.control_possible = coalesce(x.w_cu, false),
      v.lookthrough_min = coalesce(x.w_lt_lo, 0.0) * 100.0,
      v.lookthrough_max = coalesce(x.w_lt_hi, 0.0) * 100.0
} IN TRANSACTIONS OF 10000 ROWS
