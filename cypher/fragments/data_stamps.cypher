// The data stamp: the newest party restatement and the newest interest written, three index reads of one
// entry each, as one list of texts (the end of a subquery). Verdicts for another date key what they reuse by it
// (app/engine/shifted.py, app/engine/settled.py), so every statement that reads it must read the same:
// `stored_bundle`, `ancestry_on` and `ancestry_on_procedure` include this.
// Gives: stamps (a list of one list of up to three texts)
// Parameters: none
CALL () {
  MATCH (q:Party) USING INDEX q:Party(last_seen) WHERE q.last_seen IS NOT NULL
  WITH q.last_seen AS stamp ORDER BY stamp DESC LIMIT 1
  RETURN collect(toString(stamp)) AS parties
}
CALL () {
  MATCH ()-[r:OWNS]->() USING INDEX r:OWNS(loaded_at) WHERE r.loaded_at IS NOT NULL
  WITH r.loaded_at AS stamp ORDER BY stamp DESC LIMIT 1
  RETURN collect(toString(stamp)) AS owns
}
CALL () {
  MATCH ()-[r:CONTROLS]->() USING INDEX r:CONTROLS(loaded_at) WHERE r.loaded_at IS NOT NULL
  WITH r.loaded_at AS stamp ORDER BY stamp DESC LIMIT 1
  RETURN collect(toString(stamp)) AS controls
}
RETURN collect(parties + owns + controls) AS stamps
