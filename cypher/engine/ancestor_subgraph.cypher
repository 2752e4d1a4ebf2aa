// Everything an on-demand verdict needs: the party, every party above it through ownership and
// control (up to 30 levels, at most $limit parties), and the interests held in each of them.
// Parameters: $id, $limit
MATCH (x:Party {id: $id})
USING INDEX x:Party(id)
OPTIONAL MATCH (x)<-[:OWNS|CONTROLS*1..30]-(a:Party)
WITH x, collect(DISTINCT a)[..$limit] AS ancestors
WITH x, ancestors + [x] AS nodes, size(ancestors) >= $limit AS truncated
UNWIND nodes AS b
OPTIONAL MATCH (b)<-[r:OWNS|CONTROLS]-(h:Party)
WITH truncated, b, collect(CASE WHEN r IS NULL THEN null ELSE {holder: h.id, relation: type(r), props: r {
       .measure, .kind, .share_min, .share_max, .share_min_exclusive, .share_max_exclusive, .direct, .start_date,
       .end_date, .statement_id, .source, .record, .interest_type}} END)
     AS interests
RETURN truncated, b {.id, .name, .kind, .entity_type, .jurisdiction, .headquarters, .state_of, .nationalities}
       AS party, [i IN interests WHERE i IS NOT NULL] AS interests
