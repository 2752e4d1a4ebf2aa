// Benchmark baseline only: one interest per auto-commit transaction.
// Parameters: $party_key, $subject_key, $record, $share_min, $share_max
MERGE (o:Party {id: $party_key})
MERGE (s:Party {id: $subject_key})
MERGE (o)-[r:OWNS {record: $record}]->(s)
SET r.share_min = $share_min, r.share_max = $share_max
