// Finds control interests written after a generation started (incremental recomputation).
// Parameters: none
CREATE INDEX controls_loaded_at IF NOT EXISTS FOR ()-[r:CONTROLS]-() ON (r.loaded_at)
