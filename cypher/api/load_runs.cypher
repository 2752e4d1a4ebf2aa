// Loader runs, newest first.
// Parameters: $skip, $limit
MATCH (r:LoadRun)
RETURN r {.*} AS run
ORDER BY r.started_at DESC
SKIP $skip LIMIT $limit
