// Deletes at most $limit verdicts of one generation (called until it returns 0).
// Parameters: $generation, $limit
MATCH (v:Verdict)
USING INDEX v:Verdict(generation)
WHERE v.generation = $generation
WITH v LIMIT $limit
DETACH DELETE v
RETURN count(*) AS deleted
