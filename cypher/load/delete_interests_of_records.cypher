// Removes the interests of records that a newer statement replaces (they are re-created from it); the
// subject is stamped as changed, for incremental recomputation.
// Parameters: $records (list of source-scoped record keys), $now
UNWIND $records AS record
CALL (record) {
  MATCH ()-[r:OWNS {record: record}]->() USING INDEX r:OWNS(record) RETURN r
  UNION
  MATCH ()-[r:CONTROLS {record: record}]->() USING INDEX r:CONTROLS(record) RETURN r
}
WITH r, endNode(r) AS subject
SET subject.last_seen = $now
DELETE r
RETURN count(r) AS deleted
