// Look-through starts at the seeds: each holds itself wholly (fraction 1).
// Returns their party ids, the first frontier of the look-through rounds. An incremental run ($region)
// starts from its region's seeds only (the others' subjects keep the base generation's values).
// Parameters: $run, $region
MATCH (p:Party)
USING INDEX p:Party(w_run)
WHERE p.w_run = $run AND p.w_seed IS NOT NULL AND (NOT $region OR coalesce(p.w_region, false))
SET p.w_lt_lo = 1.0, p.w_lt_hi = 1.0
RETURN collect(p.id) AS frontier
