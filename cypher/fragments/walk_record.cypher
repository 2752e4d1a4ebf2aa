// The record an on-demand walk returns (`ancestry_on`, `ancestry_on_procedure`): the party as
// `stored_bundle` returns it (with $ref; `_party` in app/engine/verdicts.py reads both), then what
// `walk_start` gave and the walk's `truncated` and `parties`.
// Expects: x, identifiers, details, stamps, truncated, parties
// Parameters: $ref
RETURN CASE WHEN $ref IS NULL THEN null ELSE x {
         .id, .name, .names, .kind, .entity_type, .jurisdiction, .headquarters, .address_country, .nationalities,
         .state_of, .dissolved, .sources, .placeholder, first_seen: toString(x.first_seen),
         last_seen: toString(x.last_seen), .unresolved_countries, .reporting_exceptions, .tags} END AS party,
       identifiers, details, stamps, truncated, parties
