// Parties whose data changed after a generation started: restated or merged parties, subjects of new
// or replaced interests.
// Parameters: $since
CALL () {
  MATCH (p:Party) USING INDEX p:Party(last_seen) WHERE p.last_seen > $since RETURN p.id AS id
  UNION
  MATCH ()-[r:OWNS]->(s:Party) USING INDEX r:OWNS(loaded_at) WHERE r.loaded_at > $since RETURN s.id AS id
  UNION
  MATCH ()-[r:CONTROLS]->(s:Party) USING INDEX r:CONTROLS(loaded_at) WHERE r.loaded_at > $since RETURN s.id AS id
}
RETURN collect(id) AS ids
