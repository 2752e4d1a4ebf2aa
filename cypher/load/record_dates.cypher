// The statement date of each record's current interests, so an older statement never replaces a newer one.
// Parameters: $records (list of record keys)
UNWIND $records AS record
CALL (record) {
  MATCH ()-[r:OWNS {record: record}]->() USING INDEX r:OWNS(record) RETURN r
  UNION
  MATCH ()-[r:CONTROLS {record: record}]->() USING INDEX r:CONTROLS(record) RETURN r
}
RETURN record, max(r.statement_date) AS statement_date
