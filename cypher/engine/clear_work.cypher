// Removes the working state of earlier computations, a batch at a time (called until it returns 0).
// Partitioned ($part of $parts; 2 parts: party ids ending in one of $half, and the others) so two
// transactions can share the work on disjoint parties.
// Parameters: $part, $parts, $half, $limit
MATCH (p:Party)
USING INDEX p:Party(w_run)
WHERE p.w_run IS NOT NULL AND ($parts = 1 OR (right(p.id, 1) IN $half) = ($part = 0))
WITH p LIMIT $limit
REMOVE p.w_run, p.w_round, p.w_region, p.w_lower, p.w_upper, p.w_seed, p.w_pin, p.w_pin_reason, p.w_lo, p.w_hi,
       p.w_rem, p.w_cl, p.w_cu, p.w_lt_lo, p.w_lt_hi, p.w_lt_round, p.w_front, p.w_started, p.w_calc,
       p.w_base, p.w_old_upper, p.w_lt_moved, p.w_lt_reset, p.w_lt_short
RETURN count(p) AS cleared
