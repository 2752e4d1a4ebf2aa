// `ancestry_on` with its walk done by the project's procedure `ownership.ancestry` (plugin/src): the same
// parameters and the same record, read in one pass over the relationships (README, "Benchmarks"). Used when
// the server has the procedure (`read_walk` in app/engine/verdicts.py); tests/test_walk_procedure.py
// compares the two statements on random graphs. Both start with `fragments/walk_start` and end with
// `fragments/walk_record`.
// Parameters: $id, $ref, $limit, $as_of, $known, $stop_key_length
:include walk_start
CALL ownership.ancestry(x, $as_of, $known, $stop_key_length, $limit) YIELD truncated, parties
:include walk_record
