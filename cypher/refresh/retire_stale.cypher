// Retires up to $limit interests of one loader source that a newer full snapshot no longer states
// (loaded before that snapshot's load began); their subjects are stamped as changed for recomputation.
// Parameters: $source, $before (datetime), $now (datetime), $limit
CALL () {
  MATCH ()-[r:OWNS]->() WHERE r.source = $source AND r.loaded_at < $before RETURN r
  UNION
  MATCH ()-[r:CONTROLS]->() WHERE r.source = $source AND r.loaded_at < $before RETURN r
}
WITH r LIMIT $limit
WITH r, endNode(r) AS subject
SET subject.last_seen = $now
DELETE r
RETURN count(r) AS retired
