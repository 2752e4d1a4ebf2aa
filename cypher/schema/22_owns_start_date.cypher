// Finds the OWNS interests that start or end between two dates (on-demand verdicts for another date).
// Parameters: none
CREATE INDEX owns_start_date IF NOT EXISTS FOR ()-[r:OWNS]-() ON (r.start_date)
