// How many interests a loader source holds, and how many of them predate a load (the ones a full snapshot
// loaded since then no longer contains).
// Parameters: $source, $before (datetime)
CALL () {
  MATCH ()-[r:OWNS]->() WHERE r.source = $source
  RETURN count(r) AS total, count(CASE WHEN r.loaded_at < $before THEN 1 END) AS stale
  UNION ALL
  MATCH ()-[r:CONTROLS]->() WHERE r.source = $source
  RETURN count(r) AS total, count(CASE WHEN r.loaded_at < $before THEN 1 END) AS stale
}
RETURN sum(total) AS total, sum(stale) AS stale
