// Finds parties a load touched after a generation started (incremental recomputation).
// Parameters: none
CREATE INDEX party_last_seen IF NOT EXISTS FOR (p:Party) ON (p.last_seen)
