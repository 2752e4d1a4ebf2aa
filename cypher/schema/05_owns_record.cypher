// Interests are found by the source record that stated them (updates replace them).
// Parameters: none
CREATE INDEX owns_record IF NOT EXISTS FOR ()-[r:OWNS]-() ON (r.record)
