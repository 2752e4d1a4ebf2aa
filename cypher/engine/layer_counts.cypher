// How an incremental generation's own layer moves the verdict counts of its base: per pair of base verdict
// (null: the party had none) and new verdict, how many parties. The caller adds these to the base's counts.
// Parameters: $generation, $base_layers (the base generation's layers, newest first)
MATCH (n:Verdict)
USING INDEX n:Verdict(generation)
WHERE n.generation = $generation
CALL (n) {
  :include newest_verdict(OPTIONAL MATCH, o, $base_layers, n.party_id)
}
RETURN o.verdict AS old, n.verdict AS new, count(*) AS count
