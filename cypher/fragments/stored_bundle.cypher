// A party's stored bundle (see `engine/stored_bundle`): the party a reference names, its identifiers, its
// newest verdict in the generation's layers, the valid interests held in it with each holder's verdict, and
// with $with_stamp the data stamp. `stored_bundle` is this alone; `stored_bundle_below` adds a what-if's
// search below its changes in the same round trip.
// Gives: party, newer, identifiers, verdict, holders, stamps
// Parameters: $ref, $layers, $started_at (ISO datetime text), $as_of, $with_stamp
OPTIONAL MATCH (:Identifier {key: $ref})-[:IDENTIFIES]->(by_key:Party)
OPTIONAL MATCH (by_id:Party {id: $ref})
WITH coalesce(by_key, by_id) AS x
WHERE x IS NOT NULL
CALL (x) {
  :include newest_verdict(OPTIONAL MATCH, v, $layers, x.id)
}
CALL (x) {
  OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(x)
  RETURN collect(i.key) AS identifiers
}
CALL (x) {
  OPTIONAL MATCH (x)<-[r:OWNS|CONTROLS]-(h:Party)
  WHERE (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= $as_of)
  CALL (h) {
    :include newest_verdict(OPTIONAL MATCH, hv, $layers, h.id)
  }
  RETURN collect(CASE WHEN r IS NULL THEN null ELSE {
           subject_id: x.id, holder_id: h.id, holder_name: h.name, holder_kind: h.kind,
           holder_newer: coalesce(h.first_seen > datetime($started_at), true), holder_jurisdiction: h.jurisdiction,
           holder_headquarters: h.headquarters, holder_entity_type: h.entity_type, holder_state_of: h.state_of,
           holder_nationalities: h.nationalities, relation: type(r), interest: r {.*, loaded_at: null},
           holder_verdict:
             :include holder_verdict(hv)
         } END) AS holders
}
CALL () {
  UNWIND CASE WHEN $with_stamp THEN [true] ELSE [] END AS wanted
  :include data_stamps
}
RETURN
       :include party_fields
       AS party,
       x.first_seen > datetime($started_at) AS newer, identifiers, v {.*} AS verdict, holders, stamps
