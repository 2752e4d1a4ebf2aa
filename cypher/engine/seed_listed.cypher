// Restricted origins listed by identifier in the policy (sanctions lists work this way).
// Returns each key's party id (the listed parties are part of the first frontier of the fixed point).
// Parameters: $run, $keys
UNWIND $keys AS key
MATCH (i:Identifier {key: key})-[:IDENTIFIES]->(p:Party)
USING INDEX i:Identifier(key)
SET p.w_run = $run, p.w_lower = true, p.w_upper = true,
    p.w_seed = CASE WHEN p.w_seed IS NULL THEN 'listed in the policy as ' + key
                    ELSE p.w_seed + '; listed in the policy as ' + key END
RETURN key, p.id AS id
