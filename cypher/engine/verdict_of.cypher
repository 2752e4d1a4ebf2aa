// The stored verdict of one party in one generation (none: the party was never reached, so clear).
// Parameters: $generation, $party_id
MATCH (v:Verdict {generation: $generation, party_id: $party_id})
USING INDEX v:Verdict(generation, party_id)
RETURN v {.*} AS verdict
