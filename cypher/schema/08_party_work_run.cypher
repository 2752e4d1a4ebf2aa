// Finds the parties a running computation has touched (working state, cleared after each run).
// Parameters: none
CREATE INDEX party_work_run IF NOT EXISTS FOR (p:Party) ON (p.w_run)
