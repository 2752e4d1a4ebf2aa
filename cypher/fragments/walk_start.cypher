// The party an on-demand walk starts from, `x`: the party $ref names (an identifier key, else a platform
// id, as `resolve_ref`), else the party with id $id. With $ref, also what a far-date verdict would
// otherwise read in two more round trips (app/engine/shifted.py): its `identifiers`, the evidence's
// `details` of the interests held in it that are valid on $as_of (as `interest_details`) and the data
// `stamps` (`data_stamps`); with $id these are empty. `ancestry_on`, `ancestry_on_procedure` and
// `ancestry_on_kept` include this, so the walks start from the same party and return the same record
// around their walk.
// Gives: x, identifiers, details, stamps (for `walk_record`)
// Parameters: $ref, $id, $as_of
OPTIONAL MATCH (:Identifier {key: $ref})-[:IDENTIFIES]->(by_key:Party)
OPTIONAL MATCH (by_id:Party {id: coalesce($id, $ref)})
WITH coalesce(by_key, by_id) AS x
WHERE x IS NOT NULL
CALL (x) {
  UNWIND CASE WHEN $ref IS NULL THEN [] ELSE [true] END AS wanted
  OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(x)
  RETURN collect(i.key) AS identifiers
}
CALL (x) {
  UNWIND CASE WHEN $ref IS NULL THEN [] ELSE [true] END AS wanted
  OPTIONAL MATCH (x)<-[r:OWNS|CONTROLS]-(h:Party)
  WHERE (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= $as_of)
  RETURN collect(CASE WHEN r IS NOT NULL THEN {eid: elementId(r), holder_name: h.name,
                                                interest: r {.*, loaded_at: null}} END) AS details
}
CALL () {
  UNWIND CASE WHEN $ref IS NULL THEN [] ELSE [true] END AS wanted
  :include data_stamps
}
