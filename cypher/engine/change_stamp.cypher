// The newest change to the data: the latest party restatement and the latest interest written (every
// load and retirement moves one of them; changed_between reads the same stamps). Three index reads in
// descending order, one entry each. Cheap enough to ask before every on-demand verdict for another date.
// Parameters: none
CALL () {
  MATCH (p:Party) USING INDEX p:Party(last_seen) WHERE p.last_seen IS NOT NULL
  WITH p.last_seen AS stamp ORDER BY stamp DESC LIMIT 1
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
RETURN parties + owns + controls AS stamp
