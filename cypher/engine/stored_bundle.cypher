// One round trip for a stored verdict: the party a reference names, its verdict in the generation, and
// the valid interests held in it with each holder's verdict (the first level of the evidence).
// `newer`: the party was first seen after the generation started ($started_at), so it has no verdict in
// it; holders likewise (`holder_newer`). Datetimes stay in the graph: hydrating them costs more than the
// rest of a lookup.
// $layers: the generation's layers, newest first (a party's newest verdict in them counts; none: clear).
// $with_stamp: also read the newest change to the data (`stamps`: [stamp], else []; `fragments/data_stamps`):
// the latest party restatement and the latest interest written, three index reads of one entry each.
// Verdicts for another date key what they reuse by it (app/engine/shifted.py); in the same round trip and
// the same snapshot as the bundle it keys.
// Parameters: $ref, $layers, $started_at (ISO datetime text), $as_of, $with_stamp
OPTIONAL MATCH (:Identifier {key: $ref})-[:IDENTIFIES]->(by_key:Party)
OPTIONAL MATCH (by_id:Party {id: $ref})
WITH coalesce(by_key, by_id) AS p
WHERE p IS NOT NULL
CALL (p) {
  OPTIONAL MATCH (v:Verdict)
  USING INDEX v:Verdict(generation, party_id)
  WHERE v.generation IN $layers AND v.party_id = p.id
  RETURN v ORDER BY v.layer DESC LIMIT 1
}
CALL (p) {
  OPTIONAL MATCH (i:Identifier)-[:IDENTIFIES]->(p)
  RETURN collect(i.key) AS identifiers
}
CALL (p) {
  OPTIONAL MATCH (p)<-[r:OWNS|CONTROLS]-(h:Party)
  WHERE (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= $as_of)
  CALL (h) {
    OPTIONAL MATCH (hv:Verdict)
    USING INDEX hv:Verdict(generation, party_id)
    WHERE hv.generation IN $layers AND hv.party_id = h.id
    RETURN hv ORDER BY hv.layer DESC LIMIT 1
  }
  RETURN collect(CASE WHEN r IS NULL THEN null ELSE {
           subject_id: p.id, holder_id: h.id, holder_name: h.name, holder_kind: h.kind,
           holder_newer: coalesce(h.first_seen > datetime($started_at), true), holder_jurisdiction: h.jurisdiction,
           holder_headquarters: h.headquarters, holder_entity_type: h.entity_type, holder_state_of: h.state_of,
           holder_nationalities: h.nationalities, relation: type(r), interest: r {.*, loaded_at: null},
           holder_verdict: hv {.verdict, .seed, .seed_reason, .pinned, .pin_reason, .share_min, .share_max,
                               .lookthrough_min, .lookthrough_max}} END) AS holders
}
CALL () {
  UNWIND CASE WHEN $with_stamp THEN [true] ELSE [] END AS wanted
  :include data_stamps
}
RETURN p {.id, .name, .names, .kind, .entity_type, .jurisdiction, .headquarters, .address_country,
          .nationalities, .state_of, .dissolved, .sources, .placeholder,
          first_seen: toString(p.first_seen), last_seen: toString(p.last_seen),
          .unresolved_countries, .reporting_exceptions, .tags} AS party,
       p.first_seen > datetime($started_at) AS newer, identifiers, v {.*} AS verdict, holders, stamps
