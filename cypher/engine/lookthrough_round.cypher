// One round of the look-through share: the economic share seeds hold through chains, the sum over
// paths of the products of equity stakes (minimum and maximum stakes separately; an unknown stake is
// 0 to 100%). Only $candidates (element ids: this part's share of the round's candidates, as Python split
// them) are recomputed; values are capped at 1 and changes below $epsilon stop the spread, so cycles
// converge. Each part receiving its own candidates, rather than the moved holders to expand, spares both
// parts expanding every holder's subjects (a third of a round's page hits went to that, half of them
// thrown away by the part filter).
// Rounds recompute a party once per distinct path length from the seeds (each path length is a wave), so
// two things cut the waves: a candidate with a holder among the round's candidates ($pending, both parts'
// together) waits for the next round (`later`), since that holder may move now and make it recompute
// again; and a party moving by at most $tau spreads its change later (`deferred`: its subjects, which
// Python holds back until no bigger change is left, then lowers $tau), so small changes from further
// up travel down together instead of one wave each. Either way every party whose holder moved is
// recomputed before the rounds end, so the values are the same fixed point within $epsilon.
// Declared indirect stakes summarise chains and are left out. Informational: it never decides a verdict.
// An incremental run ($region) starts from the base generation's values (loaded by load_previous before
// each round), recomputes besides $candidates the parties in $also (the reset ones) and, with
// $region_too, its region's, and lets changes spread wherever they pass $epsilon; a value falling below
// $epsilon is dropped (0). Parties it moves are marked w_lt_moved (their verdicts are written again;
// a full run writes every party's verdict, so it does not mark them).
// A holder counts when it has a share (w_lt_hi): working state exists only for the running computation
// (clear_work wipes it at the start, under the compute lock), and testing w_lt_hi alone, which no index
// covers, keeps the planner reaching holders from the subject ($pending is only read inside an
// expression for the same reason).
// Returns how many parties moved, their party ids in an incremental run (`changed`: load_previous reads
// below them), and the element ids of the subjects of those that moved by more than $tau (`next`: the next
// round's candidates, both parts' together), of the subjects of the others (`deferred`) and of the
// candidates that wait (`later`: also the next round's). Element ids, not party ids: a round then seeks
// no index and reads no id, a quarter of its Neo4j CPU; a round lasts seconds under the compute lock, and
// a node number a load reused meanwhile would at worst have a party recomputed needlessly.
// Partitioned ($part of $parts; 2 parts: element ids ending in one of $half, 0-4, and the others) so two
// transactions can share the work on disjoint parties. What a party reads must not depend on which
// transaction commits first, or the shares would differ from run to run: a party that does not wait reads
// no holder the round recomputes. When every candidate of a part waits (a cycle of candidates), the part
// moves none and says it `stalled`; Python then calls it again with $force (nothing waits) once the other
// part has committed, one part after the other, as it does every part of a round in which nothing waits
// ($pending empty: the closing rounds) and the first round of an incremental run ($also and $region_too
// are recomputed without being $pending).
// Parameters: $part, $parts, $half, $run, $candidates, $pending, $also, $region_too, $as_of, $epsilon, $tau,
// $region, $force
CALL () {
  UNWIND $candidates AS eid
  MATCH (x:Party)
  WHERE elementId(x) = eid
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
  AND ($parts = 1 OR (right(elementId(x), 1) IN $half) = ($part = 0))
WITH x, EXISTS { MATCH (x)<-[:OWNS]-(h:Party) WHERE CASE WHEN elementId(h) IN $pending THEN true END } AS waits
WITH collect(CASE WHEN waits THEN x END) AS waiting, collect(CASE WHEN NOT waits THEN x END) AS ready
WITH CASE WHEN $force THEN [] ELSE waiting END AS later, CASE WHEN $force THEN waiting + ready ELSE ready END AS now,
     NOT $force AND size(ready) = 0 AND size(waiting) > 0 AS stalled
CALL (now) {
  UNWIND now AS x
  CALL (x) {
    MATCH (x)<-[r:OWNS]-(h:Party)
    WHERE r.measure = 'equity' AND r.direct <> 'indirect' AND h.w_lt_hi IS NOT NULL
      AND (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= $as_of)
    WITH h, max(coalesce(r.share_min, 0.0)) / 100.0 AS lo, max(coalesce(r.share_max, 100.0)) / 100.0 AS hi
    RETURN sum(lo * h.w_lt_lo) AS lt_lo, sum(hi * h.w_lt_hi) AS lt_hi
  }
  WITH x, CASE WHEN lt_lo > 1.0 THEN 1.0 ELSE lt_lo END AS lt_lo,
       CASE WHEN lt_hi > 1.0 THEN 1.0 ELSE lt_hi END AS lt_hi,
       coalesce(x.w_lt_lo, 0.0) AS old_lo, coalesce(x.w_lt_hi, 0.0) AS old_hi
  WHERE (lt_hi >= $epsilon AND (abs(lt_lo - old_lo) > $epsilon OR abs(lt_hi - old_hi) > $epsilon))
     OR (lt_hi < $epsilon AND x.w_lt_hi IS NOT NULL)
  WITH x, lt_lo, lt_hi, abs(lt_lo - old_lo) > $tau OR abs(lt_hi - old_hi) > $tau AS big
  SET x.w_run = $run, x.w_lt_moved = CASE WHEN $region THEN true END,
      x.w_lt_lo = CASE WHEN lt_hi >= $epsilon THEN lt_lo END, x.w_lt_hi = CASE WHEN lt_hi >= $epsilon THEN lt_hi END
  WITH collect(x) AS moved, collect(CASE WHEN big THEN x END) AS big, collect(CASE WHEN NOT big THEN x END) AS small
  CALL (big) {
    UNWIND big AS m
    MATCH (m)-[:OWNS]->(s)
    RETURN collect(DISTINCT elementId(s)) AS next
  }
  CALL (small) {
    UNWIND small AS m
    MATCH (m)-[:OWNS]->(s)
    RETURN collect(DISTINCT elementId(s)) AS deferred
  }
  RETURN size(moved) AS moved, CASE WHEN $region THEN [m IN moved | m.id] ELSE [] END AS changed, next, deferred
}
RETURN moved, changed, next, deferred, [x IN later | elementId(x)] AS later, stalled
