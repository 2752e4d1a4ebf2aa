// What the evidence shows of the interests an on-demand verdict found (ancestry_on), by element id: the
// holder's name and the interest's statement id, source, record and dates; and the names of parties
// given by id (holders of hypothetical interests).
// Parameters: $eids, $ids
CALL () {
  UNWIND $eids AS eid
  MATCH (h:Party)-[r]->(:Party)
  WHERE elementId(r) = eid
  RETURN collect({eid: eid, holder_name: h.name, interest: r {.*, loaded_at: null}}) AS interests
}
CALL () {
  UNWIND $ids AS id
  MATCH (p:Party {id: id})
  USING INDEX p:Party(id)
  RETURN collect([p.id, p.name]) AS names
}
RETURN interests, names
