// A party's verdict in a generation made of layers (`layers_of` in app/engine/compute.py: an incremental run
// writes only the verdicts it recomputed, over its base's layers): the one in the newest layer that has the
// party. Every statement that reads a party's verdict from layers includes this, so that none reads another.
// A subquery's body: MATCHING is `OPTIONAL MATCH` (a row of null when no layer has the party) or `MATCH`;
// VERDICT the variable returned; LAYERS the layers' generation ids; PARTY_ID the party's id.
// Arguments: MATCHING, VERDICT, LAYERS, PARTY_ID
// Parameters: none
MATCHING (VERDICT:Verdict)
USING INDEX VERDICT:Verdict(generation, party_id)
WHERE VERDICT.generation IN LAYERS AND VERDICT.party_id = PARTY_ID
RETURN VERDICT ORDER BY VERDICT.layer DESC LIMIT 1
