// What data a computation sees: the newest completed load and the graph's size.
// Parameters: none
OPTIONAL MATCH (r:LoadRun {status: 'completed'})
WITH max(r.finished_at) AS loaded_at, count(r) AS loads
CALL () { MATCH (p:Party) RETURN count(p) AS parties }
RETURN loaded_at, loads, parties
