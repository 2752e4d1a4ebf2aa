// Restricted origins listed by identifier in the policy (sanctions lists work this way).
// Returns each key's party id (the listed parties are part of the first frontier of the fixed point) and
// whether it was applied: an incremental run ($region) applies them within its region only (outside it
// the base generation's verdicts hold).
// Parameters: $run, $region, $keys
UNWIND $keys AS key
MATCH (i:Identifier {key: key})-[:IDENTIFIES]->(p:Party)
USING INDEX i:Identifier(key)
WITH key, p, NOT $region OR coalesce(p.w_run = $run AND p.w_region, false) AS applies
CALL (p, key, applies) {
  WITH p, key WHERE applies
  SET p.w_run = $run, p.w_lower = true, p.w_upper = true,
      p.w_seed = CASE WHEN p.w_seed IS NULL THEN 'listed in the policy as ' + key
                      ELSE p.w_seed + '; listed in the policy as ' + key END
}
RETURN key, p.id AS id, applies
