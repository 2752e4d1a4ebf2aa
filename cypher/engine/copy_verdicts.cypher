// An incremental generation keeps the previous generation's verdicts outside its region (auto-commit,
// batches of 10,000).
// Parameters: $previous, $generation, $run
MATCH (v:Verdict)
USING INDEX v:Verdict(generation)
WHERE v.generation = $previous
CALL (v) {
  MATCH (p:Party {id: v.party_id})
  USING INDEX p:Party(id)
  WHERE NOT coalesce(p.w_run = $run AND p.w_region, false)
  CREATE (n:Verdict)
  SET n = v {.*, generation: $generation}
} IN TRANSACTIONS OF 10000 ROWS
