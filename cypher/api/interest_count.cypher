// How many interests of one relation a holder has in a subject, whatever their dates: a what-if that
// removes them must name ones the data holds (holder and subject swapped, it would remove nothing).
// Parameters: $holder, $subject, $relation
MATCH (h:Party {id: $holder})-[r:OWNS|CONTROLS]->(s:Party {id: $subject})
USING INDEX h:Party(id)
WHERE type(r) = $relation
RETURN count(r) AS interests
