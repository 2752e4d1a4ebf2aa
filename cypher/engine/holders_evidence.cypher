// The valid interests held in each of the given parties, with each holder's verdict in the generation,
// for evidence (which holders count, with what stake, from which statement and source).
// A holder first seen after the generation started ($started_at) is `holder_newer`: the generation has no
// verdict on it. Interests come with their load stamp nulled (a datetime the evidence never shows).
// $layers: the generation's layers, newest first (a party's newest verdict in them counts; none: clear).
// Parameters: $layers, $started_at (ISO datetime text: packing a driver DateTime costs more than the
// read), $ids, $as_of
UNWIND $ids AS id
MATCH (x:Party {id: id})<-[r:OWNS|CONTROLS]-(h:Party)
USING INDEX x:Party(id)
WHERE (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= $as_of)
CALL (h) {
  :include newest_verdict(OPTIONAL MATCH, v, $layers, h.id)
}
RETURN id AS subject_id, h.id AS holder_id, h.name AS holder_name, h.kind AS holder_kind,
       coalesce(h.first_seen > datetime($started_at), true) AS holder_newer,
       h.jurisdiction AS holder_jurisdiction, h.headquarters AS holder_headquarters,
       h.entity_type AS holder_entity_type, h.state_of AS holder_state_of, h.nationalities AS holder_nationalities,
       type(r) AS relation,
       r {.*, loaded_at: null} AS interest,
       :include holder_verdict(v)
         AS holder_verdict
