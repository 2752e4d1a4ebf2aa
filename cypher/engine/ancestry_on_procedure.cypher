// `ancestry_on` with its walk done by the project's procedure `ownership.ancestry` (plugin/src): the same
// parameters and the same record, read in one pass over the relationships (README, "Benchmarks"). Used when
// the server has the procedure (`walk_statement` in app/engine/verdicts.py); tests/test_walk_procedure.py
// compares the two statements on random graphs. The lines before the walk are `ancestry_on`'s (the catalog
// has no include).
// Parameters: $id, $ref, $limit, $as_of, $known, $stop_key_length
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
  CALL () {
    MATCH (q:Party) USING INDEX q:Party(last_seen) WHERE q.last_seen IS NOT NULL
    WITH q.last_seen AS stamp ORDER BY stamp DESC LIMIT 1
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
  RETURN collect(parties + owns + controls) AS stamps
}
CALL ownership.ancestry(x, $as_of, $known, $stop_key_length, $limit) YIELD truncated, parties
RETURN CASE WHEN $ref IS NULL THEN null ELSE x {
         .id, .name, .names, .kind, .entity_type, .jurisdiction, .headquarters, .address_country, .nationalities,
         .state_of, .dissolved, .sources, .placeholder, first_seen: toString(x.first_seen),
         last_seen: toString(x.last_seen), .unresolved_countries, .reporting_exceptions, .tags} END AS party,
       identifiers, details, stamps, truncated, parties
