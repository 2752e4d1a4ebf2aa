// Refresh runs, newest first.
// Parameters: $skip, $limit
MATCH (r:RefreshRun)
RETURN r {.*} AS run
ORDER BY r.started_at DESC
SKIP $skip LIMIT $limit
