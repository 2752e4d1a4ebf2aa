// Search by a bare identifier value or platform id: the parties an identifier with one of $values names,
// under any scheme (an LEI found under XI-LEI, a company number under GB-COH), and the party whose
// platform id is one of them; each once, with its identifier keys, in platform-id order.
// Parameters: $values (list of strings: the text as typed, and upper-cased), $limit
CALL () {
  UNWIND $values AS wanted
  MATCH (:Identifier {value: wanted})-[:IDENTIFIES]->(p:Party)
  RETURN p
  UNION
  UNWIND $values AS wanted
  MATCH (p:Party {id: wanted})
  RETURN p
}
WITH DISTINCT p
ORDER BY p.id
LIMIT $limit
OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(p)
WITH p, collect(i.key) AS identifiers
RETURN p {.id, .name, .names, .kind, .jurisdiction, .headquarters, .address_country} AS party, identifiers
ORDER BY party.id
