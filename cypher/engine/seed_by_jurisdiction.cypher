// Restricted origins by home: entities incorporated and/or headquartered in a restricted jurisdiction
// (the policy's `home`), states and state bodies of one, and (when the policy says so) persons of a
// restricted nationality. Each gets the reason it is a seed. Candidates come from the jurisdiction,
// headquarters and state indexes (a scan of every party took most of this step on large graphs); persons
// are scanned only when the policy counts nationality. Returns the seeds' party ids: the first frontier
// of the fixed point. An incremental run ($region) judges only its region's parties: a party's home
// changes only with its own data, which puts it in the region; seeds outside it keep the base's verdict.
// Parameters: $run, $jurisdictions, $home, $persons_by_nationality, $region
CALL () {
  UNWIND CASE WHEN $home IN ['incorporation', 'either'] AND NOT $region THEN [true] ELSE [] END AS wanted
  MATCH (p:Party)
  WHERE p.jurisdiction IN $jurisdictions
  RETURN p
  UNION
  UNWIND CASE WHEN $home IN ['headquarters', 'either'] AND NOT $region THEN [true] ELSE [] END AS wanted
  MATCH (p:Party)
  WHERE p.headquarters IN $jurisdictions
  RETURN p
  UNION
  UNWIND CASE WHEN NOT $region THEN [true] ELSE [] END AS wanted
  MATCH (p:Party)
  WHERE p.state_of IN $jurisdictions
  RETURN p
  UNION
  UNWIND CASE WHEN $persons_by_nationality AND NOT $region THEN [true] ELSE [] END AS wanted  // no scan unless wanted
  MATCH (p:Party)
  WHERE p.kind = 'person'
  RETURN p
  UNION
  UNWIND CASE WHEN $region THEN [true] ELSE [] END AS wanted
  MATCH (p:Party)
  USING INDEX p:Party(w_run)
  WHERE p.w_run = $run AND p.w_region
  RETURN p
}
WITH p, [reason IN [
    CASE WHEN p.kind = 'entity' AND $home IN ['incorporation', 'either'] AND p.jurisdiction IN $jurisdictions
         THEN 'incorporated in ' + p.jurisdiction END,
    CASE WHEN p.kind = 'entity' AND $home IN ['headquarters', 'either'] AND p.headquarters IN $jurisdictions
         THEN 'headquartered in ' + p.headquarters END,
    CASE WHEN p.entity_type IN ['state', 'stateBody'] AND p.state_of IN $jurisdictions
         THEN CASE p.entity_type WHEN 'state' THEN 'the state of ' ELSE 'a state body of ' END + p.state_of END,
    CASE WHEN $persons_by_nationality AND p.kind = 'person'
              AND any(n IN coalesce(p.nationalities, []) WHERE n IN $jurisdictions)
         THEN 'national of ' + [n IN p.nationalities WHERE n IN $jurisdictions][0] END
  ] WHERE reason IS NOT NULL] AS reasons
WHERE size(reasons) > 0
SET p.w_run = $run, p.w_lower = true, p.w_upper = true,
    p.w_seed = reduce(text = head(reasons), r IN tail(reasons) | text + '; ' + r)
RETURN count(p) AS seeds, collect(p.id) AS frontier
