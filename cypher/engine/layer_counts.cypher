// How an incremental generation's own layer moves the verdict counts of its base: per pair of base verdict
// (null: the party had none) and new verdict, how many parties. The caller adds these to the base's counts.
// Parameters: $generation, $base_layers (the base generation's layers, newest first)
MATCH (n:Verdict)
USING INDEX n:Verdict(generation)
WHERE n.generation = $generation
CALL (n) {
  OPTIONAL MATCH (o:Verdict)
  USING INDEX o:Verdict(generation, party_id)
  WHERE o.generation IN $base_layers AND o.party_id = n.party_id
  RETURN o ORDER BY o.layer DESC LIMIT 1
}
RETURN o.verdict AS old, n.verdict AS new, count(*) AS count
