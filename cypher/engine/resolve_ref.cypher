// A party by any identifier key (SCHEME:ID) or by its platform id.
// Parameters: $ref
OPTIONAL MATCH (:Identifier {key: $ref})-[:IDENTIFIES]->(by_key:Party)
OPTIONAL MATCH (by_id:Party {id: $ref})
WITH coalesce(by_key, by_id) AS p
WHERE p IS NOT NULL
OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(p)
RETURN p {.id, .name, .names, .kind, .entity_type, .jurisdiction, .headquarters, .address_country,
          .nationalities, .state_of, .dissolved, .sources, .first_seen, .last_seen, .placeholder,
          .unresolved_countries, .reporting_exceptions, .tags} AS party,
       collect(i.key) AS identifiers
