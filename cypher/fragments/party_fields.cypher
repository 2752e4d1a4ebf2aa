// The party as an answer shows it (`_party` in app/engine/verdicts.py): one projection of `x`, which the
// stored bundle (`stored_bundle`) and the walks (`walk_record`) both return, so that a stored and a walked
// verdict name the same fields.
// Expects: x (a Party node)
// Parameters: none
x {.id, .name, .names, .kind, .entity_type, .jurisdiction, .headquarters, .address_country, .nationalities,
   .state_of, .dissolved, .sources, .placeholder, first_seen: toString(x.first_seen),
   last_seen: toString(x.last_seen), .unresolved_countries, .reporting_exceptions, .tags}
