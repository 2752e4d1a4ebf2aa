// The stored verdicts of many parties in one generation (a party without one was never reached: clear).
// Parameters: $generation, $ids
UNWIND $ids AS id
MATCH (v:Verdict {generation: $generation, party_id: id})
USING INDEX v:Verdict(generation, party_id)
RETURN id, v {.verdict, .share_min, .share_min_exclusive, .share_max, .share_max_exclusive, .lookthrough_min,
              .lookthrough_max, .seed_reason, .pinned, .pin_reason, .control_definite, .control_possible} AS verdict
