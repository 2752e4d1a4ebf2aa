// A closing statement ends the open interests of its records on the given date.
// Parameters: $records (list of record keys), $end_date (date)
UNWIND $records AS record
CALL (record) {
  MATCH ()-[r:OWNS {record: record}]->() USING INDEX r:OWNS(record) RETURN r
  UNION
  MATCH ()-[r:CONTROLS {record: record}]->() USING INDEX r:CONTROLS(record) RETURN r
}
WITH r WHERE r.end_date IS NULL
SET r.end_date = $end_date, r.closed = true
RETURN count(r) AS closed
