// Creates or updates parties and links every identifier key to them. Lists (names, sources,
// statement ids, nationalities) are unions; scalars take the newest non-null value.
// A placeholder (a party only referenced so far) never overwrites what a real record said.
// Parameters: $rows (id, label, keys, placeholder, kind, entity_type, name, names, jurisdiction,
//   jurisdiction_raw, headquarters, address_country, nationalities, unresolved_countries, dissolved,
//   listed, state_of, reporting_exceptions, tags, source, statement_id, statement_date), $now (datetime)
UNWIND $rows AS row
MERGE (p:Party {id: row.id})
  ON CREATE SET p.first_seen = $now, p.sources = [], p.statement_ids = [], p.names = [],
                p.nationalities = [], p.unresolved_countries = [], p.reporting_exceptions = [], p.tags = [], p.placeholder = row.placeholder
SET p:$(row.label)
SET p.last_seen = $now,
    p.placeholder = p.placeholder AND row.placeholder,
    p.kind = CASE WHEN row.placeholder THEN p.kind ELSE row.kind END,
    p.entity_type = coalesce(row.entity_type, p.entity_type),
    p.name = coalesce(row.name, p.name),
    p.names = p.names + [n IN row.names WHERE NOT n IN p.names],
    p.jurisdiction = coalesce(row.jurisdiction, p.jurisdiction),
    p.jurisdiction_raw = coalesce(row.jurisdiction_raw, p.jurisdiction_raw),
    p.headquarters = coalesce(row.headquarters, p.headquarters),
    p.address_country = coalesce(row.address_country, p.address_country),
    p.nationalities = p.nationalities + [n IN row.nationalities WHERE NOT n IN p.nationalities],
    p.unresolved_countries = p.unresolved_countries
      + [n IN row.unresolved_countries WHERE NOT n IN p.unresolved_countries],
    p.reporting_exceptions = p.reporting_exceptions
      + [n IN row.reporting_exceptions WHERE NOT n IN p.reporting_exceptions],
    p.tags = p.tags + [n IN row.tags WHERE NOT n IN p.tags],
    p.dissolved = coalesce(row.dissolved, p.dissolved),
    p.listed = coalesce(row.listed, p.listed),
    p.state_of = coalesce(row.state_of, p.state_of),
    p.sources = CASE WHEN row.source IN p.sources THEN p.sources ELSE p.sources + row.source END,
    p.statement_ids = CASE WHEN row.statement_id IS NULL OR row.statement_id IN p.statement_ids
                           THEN p.statement_ids ELSE p.statement_ids + row.statement_id END,
    p.statement_date = coalesce(row.statement_date, p.statement_date)
SET p.names_text = reduce(text = '', n IN p.names | text + n + ' \n ')
WITH p, row
UNWIND row.keys AS key
MERGE (i:Identifier {key: key})
  ON CREATE SET i.scheme = split(key, ':')[0], i.value = substring(key, size(split(key, ':')[0]) + 1)
MERGE (i)-[:IDENTIFIES]->(p)
