// One round of the look-through share: the economic share seeds hold through chains, the sum over
// paths of the products of equity stakes (minimum and maximum stakes separately; an unknown stake is
// 0 to 100%). Only $candidates (party ids: the subjects of the parties that moved last round, as the
// previous round returned them, this part's only) are recomputed; values are capped at 1 and changes
// below $epsilon stop the spread, so cycles converge. Each part receiving its own candidates, rather
// than the moved holders to expand, spares both parts expanding every holder's subjects (a third of a
// round's page hits went to that, half of them thrown away by the part filter).
// Declared indirect stakes summarise chains and are left out. Informational: it never decides a verdict.
// An incremental run ($region) starts from the base generation's values (loaded by load_previous before
// each round), recomputes besides $candidates the parties in $also (the reset ones) and, with
// $region_too, its region's, and lets changes spread wherever they pass $epsilon; a value falling below
// $epsilon is dropped (0). Parties it moves are marked w_lt_moved (their verdicts are written again;
// a full run writes every party's verdict, so it does not mark them).
// A holder counts when it has a share (w_lt_hi): working state exists only for the running computation
// (clear_work wipes it at the start, under the compute lock), and testing w_lt_hi alone, which no index
// covers, keeps the planner reaching holders from the subject.
// Returns the party ids of the parties that moved (`changed`) and of their subjects (`next`, the next
// round's candidates, both parts' together).
// Partitioned ($part of $parts; 2 parts: party ids ending in one of $half, and the others) so two
// transactions can share the work on disjoint parties.
// Parameters: $part, $parts, $half, $run, $candidates, $also, $region_too, $as_of, $epsilon, $region
CALL () {
  UNWIND $candidates AS id
  MATCH (x:Party {id: id})
  USING INDEX x:Party(id)
  RETURN x
  UNION
  UNWIND $also AS id
  MATCH (x:Party {id: id})
  USING INDEX x:Party(id)
  RETURN x
  UNION
  UNWIND CASE WHEN $region_too THEN [true] ELSE [] END AS wanted
  MATCH (x:Party)
  USING INDEX x:Party(w_run)
  WHERE x.w_run = $run AND x.w_region
  RETURN x
}
WITH DISTINCT x
WHERE x.w_seed IS NULL AND (NOT $region OR coalesce(x.w_run = $run, false))
  AND ($parts = 1 OR (right(x.id, 1) IN $half) = ($part = 0))
CALL (x) {
  MATCH (x)<-[r:OWNS]-(h:Party)
  WHERE r.measure = 'equity' AND r.direct <> 'indirect' AND h.w_lt_hi IS NOT NULL
    AND (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= $as_of)
  WITH h, max(coalesce(r.share_min, 0.0)) / 100.0 AS lo, max(coalesce(r.share_max, 100.0)) / 100.0 AS hi
  RETURN sum(lo * h.w_lt_lo) AS lt_lo, sum(hi * h.w_lt_hi) AS lt_hi
}
WITH x, CASE WHEN lt_lo > 1.0 THEN 1.0 ELSE lt_lo END AS lt_lo, CASE WHEN lt_hi > 1.0 THEN 1.0 ELSE lt_hi END AS lt_hi
WHERE (lt_hi >= $epsilon
       AND (abs(lt_lo - coalesce(x.w_lt_lo, 0.0)) > $epsilon OR abs(lt_hi - coalesce(x.w_lt_hi, 0.0)) > $epsilon))
   OR (lt_hi < $epsilon AND x.w_lt_hi IS NOT NULL)
SET x.w_run = $run, x.w_lt_moved = CASE WHEN $region THEN true END,
    x.w_lt_lo = CASE WHEN lt_hi >= $epsilon THEN lt_lo END, x.w_lt_hi = CASE WHEN lt_hi >= $epsilon THEN lt_hi END
WITH collect(x) AS moved
CALL (moved) {
  UNWIND moved AS m
  MATCH (m)-[:OWNS]->(s)
  RETURN collect(DISTINCT s.id) AS next
}
RETURN [m IN moved | m.id] AS changed, next
