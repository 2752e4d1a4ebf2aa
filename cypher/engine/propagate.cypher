// One round of the least fixed point. Candidates are the subjects of the parties whose membership changed
// in the previous round, $candidates (party ids, this part's, as the previous round returned them in
// `next`; all entities too when $full, for undisclosed remainders). They travel as a parameter rather
// than as a round number stored on the parties: selecting them from the parties would read every touched
// party each round and keep an index of rounds up to date; and as subjects rather than as the holders
// that changed, so each part does not expand every holder's subjects only to drop half of them.
// For each candidate the restricted share is summed twice, over definitely restricted holders' minimum
// stakes (lower) and over possibly restricted holders' maximum stakes (upper), per measure, and the
// largest measure counts.
// Shares are integers: percent x 10^6 x $K, plus (lower) or minus (upper) one per exclusive bound, so
// sums stay exact and "more than 50%" compares correctly with 50. Several valid statements of one
// holder's stake of one measure are one holding (largest minimum, largest maximum); declared indirect
// stakes are never summed with anything, only compared on their own. A counted control interest from a
// restricted holder restricts on its own. With $undisclosed, the part of an entity's ownership no
// disclosed unrestricted holder accounts for counts towards its upper bound. Membership only grows, so
// the rounds end, cycles included.
// An incremental run ($region) starts the region's parties with no membership and every other party with
// the base generation's (loaded lazily by load_previous before each round, so every candidate and holder
// has working state; outside the region membership can only grow). Its round 0 visits every region party,
// at most
// $limit per call (marked w_started), and is called until it reports no fresh ones: one transaction for a
// region of hundreds of thousands would exceed the transaction memory. Visiting in slices is sound because
// membership only grows: a party whose holder changes after its visit is visited again in round 1.
// It marks the parties it recomputes (w_calc): only their verdicts are compared with the base's.
// Holders are only ever reached from the candidate: their working-state tests are wrapped in coalesce so
// the planner cannot start from the w_run index instead (after a wipe its statistics can make a seek of
// every touched party per candidate look cheap, and a round then ran for minutes instead of seconds).
// Returns the party ids of the parties whose membership changed (`changed`) and of their subjects (`next`,
// the next round's candidates, both parts' together).
// Partitioned ($part of $parts; 2 parts: party ids ending in one of $half, and the others) so two
// transactions can share the work on disjoint parties.
// Parameters: $part, $parts, $half, $run, $candidates, $round, $full, $region, $limit, $as_of, $measures, $kinds,
//   $threshold, $inclusive, $undisclosed, $K, $hundred
CALL () {
  UNWIND $candidates AS id
  MATCH (x:Party {id: id})
  USING INDEX x:Party(id)
  RETURN x
  UNION
  UNWIND CASE WHEN $full AND NOT $region THEN [true] ELSE [] END AS wanted  // no scan unless wanted
  MATCH (x:Party)
  WHERE coalesce(x.kind, 'entity') = 'entity'
  RETURN x
  UNION
  UNWIND CASE WHEN $region AND $round = 0 THEN [true] ELSE [] END AS wanted
  MATCH (x:Party)
  USING INDEX x:Party(w_run)
  WHERE x.w_run = $run AND x.w_region AND x.w_started IS NULL
    AND ($parts = 1 OR (right(x.id, 1) IN $half) = ($part = 0))
  RETURN x LIMIT $limit
}
WITH DISTINCT x
WHERE (NOT $region OR coalesce(x.w_run = $run, false)) AND ($parts = 1 OR (right(x.id, 1) IN $half) = ($part = 0))
WITH x, $region AND $round = 0 AND x.w_started IS NULL AS fresh
CALL (x) {
  MATCH (x)<-[r:OWNS]-(h:Party)
  WHERE r.measure IN $measures
    AND (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= $as_of)
  WITH h, r.measure AS measure, r.direct = 'indirect' AS declared_indirect,
       max(CASE WHEN r.share_min IS NULL THEN 0
                ELSE toInteger(round(r.share_min * 1000000.0)) * $K
                     + CASE WHEN r.share_min_exclusive THEN 1 ELSE 0 END END) AS lo,
       max(CASE WHEN r.share_max IS NULL THEN $hundred
                ELSE toInteger(round(r.share_max * 1000000.0)) * $K
                     - CASE WHEN r.share_max_exclusive THEN 1 ELSE 0 END END) AS hi,
       coalesce(h.w_run = $run AND h.w_lower, false) AS holder_lower,
       coalesce(h.w_run = $run AND h.w_upper, false) AS holder_upper
  WITH measure, declared_indirect,
       sum(CASE WHEN holder_lower THEN lo ELSE 0 END) AS lo_sum,
       max(CASE WHEN holder_lower THEN lo ELSE 0 END) AS lo_one,
       sum(CASE WHEN holder_upper THEN hi ELSE 0 END) AS hi_sum,
       max(CASE WHEN holder_upper THEN hi ELSE 0 END) AS hi_one,
       sum(CASE WHEN holder_upper THEN 0 ELSE lo END) AS others_lo
  RETURN max(CASE WHEN declared_indirect THEN lo_one ELSE lo_sum END) AS lower,
         max(CASE WHEN declared_indirect THEN hi_one ELSE hi_sum END) AS upper,
         max(CASE WHEN declared_indirect THEN null ELSE $hundred - others_lo END) AS remainder
}
CALL (x) {
  MATCH (x)<-[c:CONTROLS]-(h:Party)
  WHERE c.kind IN $kinds AND coalesce(h.w_run = $run AND h.w_upper, false)
    AND (c.start_date IS NULL OR c.start_date <= $as_of) AND (c.end_date IS NULL OR c.end_date >= $as_of)
  RETURN max(CASE WHEN h.w_lower THEN 1 ELSE 0 END) = 1 AS control_lower, count(c) > 0 AS control_upper
}
WITH x, fresh, coalesce(lower, 0) AS lower, coalesce(upper, 0) AS upper,
     CASE WHEN $undisclosed AND coalesce(x.kind, 'entity') = 'entity' THEN coalesce(remainder, $hundred) ELSE 0 END
       AS remainder,
     coalesce(control_lower, false) AS control_lower, control_upper
WITH x, fresh, lower, upper, remainder, control_lower, control_upper,
     x.w_pin IS NOT NULL AND x.w_run = $run AS pinned,
     coalesce(x.w_run = $run AND x.w_lower, false) AS was_lower,
     coalesce(x.w_run = $run AND x.w_upper, false) AS was_upper
WITH x, fresh, lower, upper, remainder, control_lower, control_upper, pinned, was_lower, was_upper,
     control_lower OR (CASE WHEN $inclusive THEN lower >= $threshold ELSE lower > $threshold END) AS lower_pass
WITH x, fresh, lower, upper, remainder, control_lower, control_upper, pinned, was_lower, was_upper, lower_pass,
     lower_pass OR control_upper
       OR (CASE WHEN $inclusive THEN upper >= $threshold OR remainder >= $threshold
                ELSE upper > $threshold OR remainder > $threshold END) AS upper_pass
WITH x, fresh, lower, upper, remainder, control_lower, control_upper, was_lower, was_upper,
     CASE WHEN pinned THEN was_lower ELSE was_lower OR lower_pass END AS now_lower,
     CASE WHEN pinned THEN was_upper ELSE was_upper OR upper_pass END AS now_upper
SET x.w_run = $run, x.w_calc = CASE WHEN $region THEN true END, x.w_lower = now_lower, x.w_upper = now_upper,
    x.w_lo = lower, x.w_hi = upper, x.w_rem = remainder, x.w_cl = control_lower, x.w_cu = control_upper,
    x.w_started = CASE WHEN $region AND $round = 0 THEN true ELSE x.w_started END
WITH collect(CASE WHEN now_lower <> was_lower OR now_upper <> was_upper THEN x END) AS moved,
     count(x) AS candidates, count(CASE WHEN fresh THEN 1 END) AS fresh
CALL (moved) {
  UNWIND moved AS m
  MATCH (m)-[:OWNS|CONTROLS]->(s)
  RETURN collect(DISTINCT s.id) AS next
}
RETURN [m IN moved | m.id] AS changed, next, candidates, fresh
