// One node per loader run.
// Parameters: none
CREATE CONSTRAINT load_run_id IF NOT EXISTS FOR (r:LoadRun) REQUIRE r.id IS UNIQUE
