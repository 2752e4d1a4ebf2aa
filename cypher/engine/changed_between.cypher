// The parties at which verdicts can start to differ from a generation's (an incremental run grows its
// region below them; an on-demand verdict for another date reuses the generation above none of them):
// subjects of interests valid on one of the two dates but not the other (when $dated; $from < $to: an
// interest starting after $from and by $to, or ending from $from to before $to), and parties whose data
// changed after the generation started ($since: restated or merged parties, subjects of new or replaced
// interests). Each branch is an index range read.
// Parameters: $from (date), $to (date), $dated, $since (datetime)
CALL () {
  UNWIND CASE WHEN $dated THEN [true] ELSE [] END AS wanted
  MATCH ()-[r:OWNS]->(s:Party) USING INDEX r:OWNS(start_date) WHERE r.start_date > $from AND r.start_date <= $to
  RETURN s.id AS id
  UNION
  UNWIND CASE WHEN $dated THEN [true] ELSE [] END AS wanted
  MATCH ()-[r:OWNS]->(s:Party) USING INDEX r:OWNS(end_date) WHERE r.end_date >= $from AND r.end_date < $to
  RETURN s.id AS id
  UNION
  UNWIND CASE WHEN $dated THEN [true] ELSE [] END AS wanted
  MATCH ()-[r:CONTROLS]->(s:Party) USING INDEX r:CONTROLS(start_date)
  WHERE r.start_date > $from AND r.start_date <= $to
  RETURN s.id AS id
  UNION
  UNWIND CASE WHEN $dated THEN [true] ELSE [] END AS wanted
  MATCH ()-[r:CONTROLS]->(s:Party) USING INDEX r:CONTROLS(end_date) WHERE r.end_date >= $from AND r.end_date < $to
  RETURN s.id AS id
  UNION
  MATCH (p:Party) USING INDEX p:Party(last_seen) WHERE p.last_seen > $since RETURN p.id AS id
  UNION
  MATCH ()-[r:OWNS]->(s:Party) USING INDEX r:OWNS(loaded_at) WHERE r.loaded_at > $since RETURN s.id AS id
  UNION
  MATCH ()-[r:CONTROLS]->(s:Party) USING INDEX r:CONTROLS(loaded_at) WHERE r.loaded_at > $since RETURN s.id AS id
}
RETURN collect(id) AS ids
