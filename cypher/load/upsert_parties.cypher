// Creates or updates parties and links every identifier key to them. Lists (names, sources,
// statement ids, nationalities) are unions; scalars come from the newest statement: dated beats undated,
// later date beats earlier, and equal dates fall to the greater statement id, so the result does not
// depend on the order files are loaded in.
// A placeholder (a party only referenced so far) never overwrites what a real record said.
// Parameters: $rows (id, label, keys, placeholder, kind, entity_type, name, names, jurisdiction,
//   jurisdiction_raw, headquarters, address_country, nationalities, unresolved_countries, dissolved,
//   listed, state_of, reporting_exceptions, tags, source, statement_id, statement_ids (every statement
//   combined into the row), statement_date), $now (datetime)
UNWIND $rows AS row
MERGE (p:Party {id: row.id})
  ON CREATE SET p.first_seen = $now, p.sources = [], p.statement_ids = [], p.names = [],
                p.nationalities = [], p.unresolved_countries = [], p.reporting_exceptions = [], p.tags = [], p.placeholder = row.placeholder
SET p:$(row.label)
WITH p, row,
     CASE
       WHEN row.placeholder THEN false
       WHEN p.current_statement IS NULL THEN true
       WHEN row.statement_date IS NOT NULL AND p.statement_date IS NULL THEN true
       WHEN row.statement_date IS NULL AND p.statement_date IS NOT NULL THEN false
       WHEN row.statement_date <> p.statement_date THEN row.statement_date > p.statement_date
       ELSE coalesce(row.statement_id, '') >= p.current_statement
     END AS newer
SET p.last_seen = $now,
    p.placeholder = p.placeholder AND row.placeholder,
    p.kind = CASE WHEN row.placeholder THEN p.kind ELSE row.kind END,
    p.entity_type = CASE WHEN newer THEN coalesce(row.entity_type, p.entity_type)
                         ELSE coalesce(p.entity_type, row.entity_type) END,
    p.name = CASE WHEN newer THEN coalesce(row.name, p.name) ELSE coalesce(p.name, row.name) END,
    p.names = coalesce(p.names, []) + [n IN row.names WHERE NOT n IN coalesce(p.names, [])],
    p.jurisdiction = CASE WHEN newer THEN coalesce(row.jurisdiction, p.jurisdiction)
                          ELSE coalesce(p.jurisdiction, row.jurisdiction) END,
    p.jurisdiction_raw = CASE WHEN newer THEN coalesce(row.jurisdiction_raw, p.jurisdiction_raw)
                              ELSE coalesce(p.jurisdiction_raw, row.jurisdiction_raw) END,
    p.headquarters = CASE WHEN newer THEN coalesce(row.headquarters, p.headquarters)
                          ELSE coalesce(p.headquarters, row.headquarters) END,
    p.address_country = CASE WHEN newer THEN coalesce(row.address_country, p.address_country)
                             ELSE coalesce(p.address_country, row.address_country) END,
    p.nationalities = coalesce(p.nationalities, [])
      + [n IN row.nationalities WHERE NOT n IN coalesce(p.nationalities, [])],
    p.unresolved_countries = coalesce(p.unresolved_countries, [])
      + [n IN row.unresolved_countries WHERE NOT n IN coalesce(p.unresolved_countries, [])],
    p.reporting_exceptions = coalesce(p.reporting_exceptions, [])
      + [n IN row.reporting_exceptions WHERE NOT n IN coalesce(p.reporting_exceptions, [])],
    p.tags = coalesce(p.tags, []) + [n IN row.tags WHERE NOT n IN coalesce(p.tags, [])],
    p.dissolved = CASE WHEN newer THEN coalesce(row.dissolved, p.dissolved) ELSE coalesce(p.dissolved, row.dissolved) END,
    p.listed = CASE WHEN newer THEN coalesce(row.listed, p.listed) ELSE coalesce(p.listed, row.listed) END,
    p.state_of = CASE WHEN newer THEN coalesce(row.state_of, p.state_of) ELSE coalesce(p.state_of, row.state_of) END,
    p.sources = CASE WHEN row.source IN coalesce(p.sources, []) THEN p.sources ELSE coalesce(p.sources, []) + row.source END,
    p.statement_ids = coalesce(p.statement_ids, [])
      + [n IN row.statement_ids WHERE NOT n IN coalesce(p.statement_ids, [])],
    p.statement_date = CASE WHEN newer THEN row.statement_date ELSE p.statement_date END,
    p.current_statement = CASE WHEN newer THEN coalesce(row.statement_id, '') ELSE p.current_statement END
SET p.names_text = reduce(text = '', n IN coalesce(p.names, []) | text + n + ' \n ')
WITH p, row
UNWIND row.keys AS key
MERGE (i:Identifier {key: key})
  ON CREATE SET i.scheme = split(key, ':')[0], i.value = substring(key, size(split(key, ':')[0]) + 1)
MERGE (i)-[:IDENTIFIES]->(p)
