// The record an on-demand walk returns (`ancestry_on`, `ancestry_on_procedure`, `ancestry_on_kept`): the
// party as `stored_bundle` returns it (`party_fields`, with $ref; `_party` in app/engine/verdicts.py reads
// both), then what `walk_start` gave and the walk's `truncated` and `parties`.
// Expects: x, identifiers, details, stamps, truncated, parties
// Parameters: $ref
RETURN CASE WHEN $ref IS NULL THEN null ELSE
         :include party_fields
       END AS party,
       identifiers, details, stamps, truncated, parties
