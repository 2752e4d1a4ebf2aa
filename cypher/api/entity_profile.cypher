// One party's profile for investigators: names, identifiers, countries, provenance and interest counts.
// Parameters: $id (platform id)
MATCH (p:Party {id: $id})
USING INDEX p:Party(id)
OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(p)
WITH p, collect(i.key) AS identifiers
RETURN p {.id, .name, .names, .kind, .entity_type, .jurisdiction, .jurisdiction_raw, .headquarters,
          .address_country, .nationalities, .state_of, .dissolved, .listed, .placeholder, .sources,
          .statement_ids, .first_seen, .last_seen, .unresolved_countries, .reporting_exceptions, .tags}
       AS party,
       identifiers,
       COUNT { (p)<-[:OWNS|CONTROLS]-() } AS holder_interests,
       COUNT { (p)-[:OWNS|CONTROLS]->() } AS held_interests
