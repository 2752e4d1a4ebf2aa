// Records one loader run (source, files, counts, duration, outcome).
// Parameters: $id, $props (map)
MERGE (r:LoadRun {id: $id})
SET r += $props
