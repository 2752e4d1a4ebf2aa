// One round trip for a stored verdict: the party a reference names, its verdict in the generation, and
// the valid interests held in it with each holder's verdict (the first level of the evidence).
// `newer`: the party was first seen after the generation started ($started_at), so it has no verdict in
// it; holders likewise (`holder_newer`). Datetimes stay in the graph: hydrating them costs more than the
// rest of a lookup.
// $layers: the generation's layers, newest first (a party's newest verdict in them counts; none: clear).
// $with_stamp: also read the newest change to the data (`stamps`: [stamp], else []; `fragments/data_stamps`):
// the latest party restatement and the latest interest written, three index reads of one entry each.
// Verdicts for another date key what they reuse by it (app/engine/shifted.py); in the same round trip and
// the same snapshot as the bundle it keys.
// Parameters: $ref, $layers, $started_at (ISO datetime text), $as_of, $with_stamp
:include stored_bundle
