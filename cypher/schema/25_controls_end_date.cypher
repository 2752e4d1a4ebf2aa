// Finds the CONTROLS interests that start or end between two dates (on-demand verdicts for another date).
// Parameters: none
CREATE INDEX controls_end_date IF NOT EXISTS FOR ()-[r:CONTROLS]-() ON (r.end_date)
