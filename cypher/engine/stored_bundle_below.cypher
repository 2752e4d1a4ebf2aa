// `stored_bundle` and a what-if's search below its changes (`fragments/parties_below`) in one round trip:
// the data stamp read with the bundle ($with_stamp) tells the caller whether the search's $below_known (the
// data's affected set as last read) still holds (app/engine/shifted.py).
// Parameters: $ref, $layers, $started_at (ISO datetime text), $as_of, $with_stamp, $below_ids, $below_known, $below_limit
CALL () {
  :include stored_bundle
}
CALL () {
  :include parties_below
}
RETURN party, newer, identifiers, verdict, holders, stamps, below
