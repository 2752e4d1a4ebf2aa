// The change log of a generation is read by generation.
// Parameters: none
CREATE INDEX verdict_change_generation IF NOT EXISTS FOR (c:VerdictChange) ON (c.generation, c.party_id)
