// The parties directly below the given ones: the subjects of their ownership and control interests, by
// party id and by element id (the look-through rounds take element ids: lookthrough_round).
// Parameters: $ids
UNWIND $ids AS id
MATCH (p:Party {id: id})-[:OWNS|CONTROLS]->(s:Party)
USING INDEX p:Party(id)
RETURN collect(DISTINCT s.id) AS ids, collect(DISTINCT elementId(s)) AS eids
