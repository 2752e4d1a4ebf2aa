// Removes the interests of records that a newer statement replaces (they are re-created from it).
// Parameters: $records (list of source-scoped record keys)
UNWIND $records AS record
CALL (record) {
  MATCH ()-[r:OWNS {record: record}]->() USING INDEX r:OWNS(record) RETURN r
  UNION
  MATCH ()-[r:CONTROLS {record: record}]->() USING INDEX r:CONTROLS(record) RETURN r
}
DELETE r
RETURN count(r) AS deleted
