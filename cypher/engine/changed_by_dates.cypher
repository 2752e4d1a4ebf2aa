// Subjects of interests whose validity differs between two as-of dates ($from < $to): interests starting
// after $from and by $to become valid; interests ending from $from to before $to stop being valid.
// Parameters: $from (date), $to (date)
CALL () {
  MATCH ()-[r:OWNS]->(s:Party)
  WHERE (r.start_date > $from AND r.start_date <= $to) OR (r.end_date >= $from AND r.end_date < $to)
  RETURN s.id AS id
  UNION
  MATCH ()-[r:CONTROLS]->(s:Party)
  WHERE (r.start_date > $from AND r.start_date <= $to) OR (r.end_date >= $from AND r.end_date < $to)
  RETURN s.id AS id
}
RETURN collect(id) AS ids
