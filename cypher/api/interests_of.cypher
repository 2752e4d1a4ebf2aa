// One level down: the interests each of the given parties holds in others, valid on $as_of (null: any
// date). At most $limit rows, so callers can tell when a level was cut short.
// Parameters: $ids, $as_of (date or null), $limit
UNWIND $ids AS id
MATCH (h:Party {id: id})-[r:OWNS|CONTROLS]->(s:Party)
USING INDEX h:Party(id)
WHERE $as_of IS NULL OR ((r.start_date IS NULL OR r.start_date <= $as_of)
                         AND (r.end_date IS NULL OR r.end_date >= $as_of))
RETURN id AS holder_id, s.id AS subject_id, type(r) AS relation,
       r {.measure, .kind, .share_min, .share_max, .share_min_exclusive, .share_max_exclusive, .direct,
          .start_date, .end_date, .statement_id, .source, .interest_type} AS interest,
       s {.id, .name, .kind, .entity_type, .jurisdiction, .headquarters, .state_of, .placeholder} AS party
LIMIT $limit
