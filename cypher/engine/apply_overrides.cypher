// Pins the verdict of entities named by the policy's unexpired overrides; pinned membership is fixed
// (a pinned restricted entity counts as restricted for its subsidiaries, a pinned clear one does not).
// Returns each key's party id (pinned parties are part of the first frontier) and whether it was
// applied: an incremental run ($region) pins within its region only (outside it the base generation's
// verdicts, pins included, hold).
// Parameters: $run, $region, $overrides (list of {key, verdict, reason})
UNWIND $overrides AS o
OPTIONAL MATCH (:Identifier {key: o.key})-[:IDENTIFIES]->(by_key:Party)
OPTIONAL MATCH (by_id:Party {id: o.key})
WITH o, coalesce(by_key, by_id) AS p
WHERE p IS NOT NULL
WITH o, p, NOT $region OR coalesce(p.w_run = $run AND p.w_region, false) AS applies
CALL (o, p, applies) {
  WITH o, p WHERE applies
  SET p.w_run = $run, p.w_pin = o.verdict, p.w_pin_reason = o.reason,
      p.w_lower = o.verdict = 'restricted', p.w_upper = o.verdict <> 'clear'
}
RETURN o.key AS key, p.id AS id, applies
