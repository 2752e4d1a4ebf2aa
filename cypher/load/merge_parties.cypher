// Entity resolution: folds parties found to share an identifier into one survivor, moving every
// relationship (identifiers, ownership, control, self-holdings) and keeping all provenance.
// Parameters: $survivor (party id), $others (list of party ids)
MATCH (s:Party {id: $survivor})
USING INDEX s:Party(id)
UNWIND $others AS other_id
MATCH (o:Party {id: other_id})
USING INDEX o:Party(id)
CALL (s, o) {
  MATCH (o)-[r]->(t)
  WITH s, r, CASE WHEN t = o THEN s ELSE t END AS target
  CREATE (s)-[moved:$(type(r))]->(target)
  SET moved = properties(r)
  DELETE r
}
CALL (s, o) {
  MATCH (x)-[r]->(o)
  WHERE x <> o
  CREATE (x)-[moved:$(type(r))]->(s)
  SET moved = properties(r)
  DELETE r
}
SET s.names = coalesce(s.names, []) + [n IN coalesce(o.names, []) WHERE NOT n IN coalesce(s.names, [])],
    s.sources = coalesce(s.sources, []) + [n IN coalesce(o.sources, []) WHERE NOT n IN coalesce(s.sources, [])],
    s.statement_ids = coalesce(s.statement_ids, [])
      + [n IN coalesce(o.statement_ids, []) WHERE NOT n IN coalesce(s.statement_ids, [])],
    s.nationalities = coalesce(s.nationalities, [])
      + [n IN coalesce(o.nationalities, []) WHERE NOT n IN coalesce(s.nationalities, [])],
    s.unresolved_countries = coalesce(s.unresolved_countries, [])
      + [n IN coalesce(o.unresolved_countries, []) WHERE NOT n IN coalesce(s.unresolved_countries, [])],
    s.reporting_exceptions = coalesce(s.reporting_exceptions, [])
      + [n IN coalesce(o.reporting_exceptions, []) WHERE NOT n IN coalesce(s.reporting_exceptions, [])],
    s.tags = coalesce(s.tags, []) + [n IN coalesce(o.tags, []) WHERE NOT n IN coalesce(s.tags, [])],
    s.current_statement = coalesce(s.current_statement, o.current_statement),
    s.statement_date = coalesce(s.statement_date, o.statement_date),
    s.first_seen = CASE WHEN o.first_seen < s.first_seen THEN o.first_seen ELSE s.first_seen END,
    s.placeholder = s.placeholder AND o.placeholder,
    s.kind = coalesce(s.kind, o.kind),
    s.entity_type = coalesce(s.entity_type, o.entity_type),
    s.name = coalesce(s.name, o.name),
    s.jurisdiction = coalesce(s.jurisdiction, o.jurisdiction),
    s.jurisdiction_raw = coalesce(s.jurisdiction_raw, o.jurisdiction_raw),
    s.headquarters = coalesce(s.headquarters, o.headquarters),
    s.address_country = coalesce(s.address_country, o.address_country),
    s.dissolved = coalesce(s.dissolved, o.dissolved),
    s.listed = coalesce(s.listed, o.listed),
    s.state_of = coalesce(s.state_of, o.state_of)
WITH s, o
CALL (s, o) {
  WITH s, o, [l IN labels(o) WHERE NOT l IN labels(s)] AS extra
  UNWIND extra AS label
  SET s:$(label)
}
DETACH DELETE o
RETURN count(o) AS merged
