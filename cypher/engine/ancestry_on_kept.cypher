// `ancestry_on_procedure` with the settled ids kept in the server (`ownership.ancestry_kept`, plugin/src):
// $memo names the process's settled parties (`KeptStops` in app/engine/settled.py), $added the ids settled
// since it last sent them (separated by newlines), $expected how many it has settled in all. The same record
// as `ancestry_on_procedure`, with `parties` null when the server keeps fewer than $expected ids for the memo
// (restarted, or the memo let go): the caller then sends them all (`read_walk` in app/engine/verdicts.py).
// Parameters: $id, $ref, $limit, $as_of, $memo, $added, $expected
:include walk_start
CALL ownership.ancestry_kept(x, $as_of, $memo, $added, $expected, $limit) YIELD truncated, parties
:include walk_record
