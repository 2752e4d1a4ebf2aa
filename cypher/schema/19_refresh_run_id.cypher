// Refresh runs.
// Parameters: none
CREATE CONSTRAINT refresh_run_id IF NOT EXISTS FOR (r:RefreshRun) REQUIRE r.id IS UNIQUE
