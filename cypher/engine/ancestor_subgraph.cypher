// Everything an on-demand verdict needs: the party, every party above it through ownership and
// control (at most $limit parties), and the interests held in each of them. Any depth: a holder left out
// would count as clear, and the verdict would not be the fixed point's (a bound of 30 levels left out most
// of the ancestors of some parties 10 levels deep on the bench registry). The breadth-first pruning
// expand visits each ancestor once.
// Parameters: $id, $limit
MATCH (x:Party {id: $id})
USING INDEX x:Party(id)
OPTIONAL MATCH (x)<-[:OWNS|CONTROLS*1..]-(a:Party)
WITH x, collect(DISTINCT a)[..$limit] AS ancestors
WITH x, CASE WHEN x IN ancestors THEN ancestors ELSE ancestors + [x] END AS nodes,
     size(ancestors) >= $limit AS truncated
UNWIND nodes AS b
OPTIONAL MATCH (b)<-[r:OWNS|CONTROLS]-(h:Party)
WITH truncated, b, collect(CASE WHEN r IS NULL THEN null ELSE {holder: h.id, relation: type(r), props: r {
       .measure, .kind, .share_min, .share_max, .share_min_exclusive, .share_max_exclusive, .direct, .start_date,
       .end_date, .statement_id, .source, .record, .interest_type}} END)
     AS interests
RETURN truncated, b {.id, .name, .kind, .entity_type, .jurisdiction, .headquarters, .state_of, .nationalities}
       AS party, [i IN interests WHERE i IS NOT NULL] AS interests
