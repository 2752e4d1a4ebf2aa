// Name candidates for many screening queries in one round trip: for each query, the parties the
// full-text index finds for its Lucene text, with their names and countries.
// Parameters: $queries (list of {index, lucene}), $per_query (candidates per query)
UNWIND $queries AS q
CALL (q) {
  CALL db.index.fulltext.queryNodes('party_names', q.lucene, {limit: $per_query})
  YIELD node, score
  WHERE NOT coalesce(node.placeholder, false)
  RETURN node, score
}
RETURN q.index AS index, score,
       node {.id, .name, .names, .kind, .jurisdiction, .headquarters, .address_country, .first_seen} AS party
