// Many references at once: each identifier key or platform id with the party it names (none: no row), and
// whether the party is newer than the generation that started at $started_at (ISO text; null: none).
// Parameters: $refs (list of strings), $started_at
UNWIND $refs AS ref
OPTIONAL MATCH (:Identifier {key: ref})-[:IDENTIFIES]->(by_key:Party)
OPTIONAL MATCH (by_id:Party {id: ref})
WITH ref, coalesce(by_key, by_id) AS p
WHERE p IS NOT NULL
OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(p)
WITH ref, p, collect(i.key) AS identifiers
RETURN ref, identifiers, coalesce(p.first_seen > datetime($started_at), false) AS newer,
       p {.id, .name, .names, .kind, .jurisdiction, .headquarters, .address_country, .first_seen} AS party
