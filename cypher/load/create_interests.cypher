// Creates ownership (OWNS) and control (CONTROLS) interests from the interested party to the subject.
// Parameters: $rows (party_id, subject_id, relation, props)
UNWIND $rows AS row
MATCH (o:Party {id: row.party_id})
MATCH (s:Party {id: row.subject_id})
CREATE (o)-[r:$(row.relation)]->(s)
SET r = row.props
