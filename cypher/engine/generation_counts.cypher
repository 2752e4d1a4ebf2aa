// Verdict counts of a generation.
// Parameters: $generation
MATCH (v:Verdict {generation: $generation})
RETURN v.verdict AS verdict, count(*) AS count
