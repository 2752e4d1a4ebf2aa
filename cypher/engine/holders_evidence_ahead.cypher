// Evidence rows for the given parties and, read ahead in the same round trip, for the restricted or
// possibly restricted non-seed holders above them up to two more levels: the interests valid on $as_of
// held in each, with each holder's verdict in the generation. An evidence chain climbs exactly through
// such holders, one level per call, so reading ahead saves two of every three round trips up a chain.
// Rows are tagged with their subject; a subject's rows are complete (every valid interest held in it).
// Only holders with at most $ahead_degree interests held in them are read ahead, at most $ahead per level:
// a chain stops after a few hundred edges, and reading ahead through hubs read thousands of rows for it.
// Holders first seen after the generation started are `holder_newer`, as in holders_evidence.
// $layers: the generation's layers, newest first (a party's newest verdict in them counts; none: clear).
// Parameters: $layers, $started_at (ISO datetime text), $ids, $as_of, $ahead, $ahead_degree
CALL () {
  UNWIND $ids AS id
  MATCH (s:Party {id: id})
  USING INDEX s:Party(id)
  RETURN s, 0 AS depth
  UNION
  UNWIND $ids AS id
  MATCH (x:Party {id: id})<-[r1:OWNS|CONTROLS]-(s:Party)
  USING INDEX x:Party(id)
  WHERE (r1.start_date IS NULL OR r1.start_date <= $as_of) AND (r1.end_date IS NULL OR r1.end_date >= $as_of)
    AND COUNT { (s)<-[:OWNS|CONTROLS]-() } <= $ahead_degree
    AND head(COLLECT { MATCH (v:Verdict) USING INDEX v:Verdict(generation, party_id)
                       WHERE v.generation IN $layers AND v.party_id = s.id
                       RETURN v.verdict IN ['restricted', 'review'] AND NOT v.seed ORDER BY v.layer DESC })
  WITH DISTINCT s LIMIT $ahead
  RETURN s, 1 AS depth
  UNION
  UNWIND $ids AS id
  MATCH (x:Party {id: id})<-[r1:OWNS|CONTROLS]-(m:Party)<-[r2:OWNS|CONTROLS]-(s:Party)
  USING INDEX x:Party(id)
  WHERE (r1.start_date IS NULL OR r1.start_date <= $as_of) AND (r1.end_date IS NULL OR r1.end_date >= $as_of)
    AND (r2.start_date IS NULL OR r2.start_date <= $as_of) AND (r2.end_date IS NULL OR r2.end_date >= $as_of)
    AND COUNT { (m)<-[:OWNS|CONTROLS]-() } <= $ahead_degree AND COUNT { (s)<-[:OWNS|CONTROLS]-() } <= $ahead_degree
    AND head(COLLECT { MATCH (v:Verdict) USING INDEX v:Verdict(generation, party_id)
                       WHERE v.generation IN $layers AND v.party_id = m.id
                       RETURN v.verdict IN ['restricted', 'review'] AND NOT v.seed ORDER BY v.layer DESC })
    AND head(COLLECT { MATCH (v:Verdict) USING INDEX v:Verdict(generation, party_id)
                       WHERE v.generation IN $layers AND v.party_id = s.id
                       RETURN v.verdict IN ['restricted', 'review'] AND NOT v.seed ORDER BY v.layer DESC })
  WITH DISTINCT s LIMIT $ahead
  RETURN s, 2 AS depth
}
WITH s, min(depth) AS depth
OPTIONAL MATCH (s)<-[r:OWNS|CONTROLS]-(h:Party)
WHERE (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= $as_of)
CALL (h) {
  :include newest_verdict(OPTIONAL MATCH, v, $layers, h.id)
}
RETURN s.id AS subject_id, h.id AS holder_id, h.name AS holder_name, h.kind AS holder_kind,
       coalesce(h.first_seen > datetime($started_at), true) AS holder_newer,
       h.jurisdiction AS holder_jurisdiction, h.headquarters AS holder_headquarters,
       h.entity_type AS holder_entity_type, h.state_of AS holder_state_of, h.nationalities AS holder_nationalities,
       type(r) AS relation,
       r {.*, loaded_at: null} AS interest,
       :include holder_verdict(v)
         AS holder_verdict
