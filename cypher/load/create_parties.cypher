// Fast path for parties none of whose identifier keys exist yet (the resolver checked, in the same
// transaction): plain CREATE, no lookups. Same properties as upsert_parties.
// Parameters: $rows (as for upsert_parties), $now (datetime)
UNWIND $rows AS row
CREATE (p:Party {id: row.id})
SET p:$(row.label)
SET p.first_seen = $now, p.last_seen = $now, p.placeholder = row.placeholder,
    p.kind = CASE WHEN row.placeholder THEN null ELSE row.kind END,
    p.entity_type = row.entity_type, p.name = row.name, p.names = row.names,
    p.names_text = reduce(text = '', n IN row.names | text + n + ' \n '),
    p.jurisdiction = row.jurisdiction, p.jurisdiction_raw = row.jurisdiction_raw,
    p.headquarters = row.headquarters, p.address_country = row.address_country,
    p.nationalities = row.nationalities, p.unresolved_countries = row.unresolved_countries,
    p.reporting_exceptions = row.reporting_exceptions, p.tags = row.tags, p.dissolved = row.dissolved,
    p.listed = row.listed, p.state_of = row.state_of, p.sources = [row.source],
    p.statement_ids = row.statement_ids,
    p.statement_date = CASE WHEN row.placeholder THEN null ELSE row.statement_date END,
    p.current_statement = CASE WHEN row.placeholder THEN null ELSE coalesce(row.statement_id, '') END
WITH p, row
UNWIND row.keys AS key
CREATE (i:Identifier {key: key, scheme: split(key, ':')[0], value: substring(key, size(split(key, ':')[0]) + 1)})
CREATE (i)-[:IDENTIFIES]->(p)
