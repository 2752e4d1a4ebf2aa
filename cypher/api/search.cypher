// Full-text search over party names, best first, for one page of results (one more than asked, so the
// caller knows whether there is a next page).
// Parameters: $query (Lucene query text, escaped by the caller), $skip, $limit
CALL db.index.fulltext.queryNodes('party_names', $query, {skip: $skip, limit: $limit + 1})
YIELD node, score
OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(node)
WITH node, score, collect(i.key) AS identifiers
RETURN node {.id, .name, .names, .kind, .jurisdiction, .headquarters, .address_country} AS party,
       identifiers, score
ORDER BY score DESC
