// All verdicts of one generation (counts, copies for incremental generations).
// Parameters: none
CREATE INDEX verdict_generation IF NOT EXISTS FOR (v:Verdict) ON (v.generation)
