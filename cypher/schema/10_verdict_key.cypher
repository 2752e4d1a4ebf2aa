// One verdict per party per generation.
// Parameters: none
CREATE CONSTRAINT verdict_key IF NOT EXISTS FOR (v:Verdict) REQUIRE (v.generation, v.party_id) IS UNIQUE
