// The change log of one generation, in party order, one page at a time.
// Parameters: $generation, $skip, $limit
MATCH (c:VerdictChange {generation: $generation})
RETURN c {.*} AS change
ORDER BY c.party_id
SKIP $skip LIMIT $limit
