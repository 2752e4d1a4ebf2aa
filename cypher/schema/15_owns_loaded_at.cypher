// Finds ownership interests written after a generation started (incremental recomputation).
// Parameters: none
CREATE INDEX owns_loaded_at IF NOT EXISTS FOR ()-[r:OWNS]-() ON (r.loaded_at)
