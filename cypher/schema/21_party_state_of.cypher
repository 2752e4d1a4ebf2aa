// Finds states and state bodies of restricted jurisdictions (seeds) without scanning every party.
// Parameters: none
CREATE INDEX party_state_of IF NOT EXISTS FOR (p:Party) ON (p.state_of)
