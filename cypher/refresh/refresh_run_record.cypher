// Creates or updates a refresh run record.
// Parameters: $id, $props
MERGE (r:RefreshRun {id: $id})
SET r += $props
