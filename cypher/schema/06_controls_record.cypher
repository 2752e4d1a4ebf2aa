// Interests are found by the source record that stated them (updates replace them).
// Parameters: none
CREATE INDEX controls_record IF NOT EXISTS FOR ()-[r:CONTROLS]-() ON (r.record)
