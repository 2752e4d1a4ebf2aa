// The stored verdicts of many parties in one generation (a party without one was never reached: clear).
// $layers: the generation's layers, newest first (a party's newest verdict in them counts; none: clear).
// Parameters: $layers, $ids
UNWIND $ids AS id
CALL (id) {
  :include newest_verdict(MATCH, v, $layers, id)
}
RETURN id, v {.verdict, .share_min, .share_min_exclusive, .share_max, .share_max_exclusive, .lookthrough_min,
              .lookthrough_max, .lookthrough_converged, .seed_reason, .pinned, .pin_reason, .control_definite,
              .control_possible} AS verdict
