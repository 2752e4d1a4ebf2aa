// Creates CONTROLS interests from the interested party to the subject (one statement per type: a static
// relationship type plans and runs faster than a dynamic one).
// Parameters: $rows (party_id, subject_id, props)
UNWIND $rows AS row
MATCH (o:Party {id: row.party_id})
USING INDEX o:Party(id)
MATCH (s:Party {id: row.subject_id})
USING INDEX s:Party(id)
CREATE (o)-[r:CONTROLS]->(s)
SET r = row.props
