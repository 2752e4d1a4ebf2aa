// Writes the change log of a generation against the one it replaces: every party whose verdict differs
// (a party without a stored verdict is clear), with both bounds and the seed reason. Returns the count.
// Parameters: $generation, $previous (generation id or null: every non-clear verdict is a change)
CALL () {
  MATCH (n:Verdict {generation: $generation})
  OPTIONAL MATCH (o:Verdict {generation: $previous, party_id: n.party_id})
  WITH n, o WHERE coalesce(o.verdict, 'clear') <> n.verdict
  RETURN n.party_id AS party_id, o AS old, n AS new
  UNION
  MATCH (o:Verdict {generation: $previous})
  WHERE o.verdict <> 'clear' AND NOT EXISTS { MATCH (:Verdict {generation: $generation, party_id: o.party_id}) }
  RETURN o.party_id AS party_id, o AS old, null AS new
}
MATCH (p:Party {id: party_id})
CREATE (c:VerdictChange {
  generation: $generation, previous: $previous, party_id: party_id, party_name: p.name,
  old: coalesce(old.verdict, 'clear'), new: coalesce(new.verdict, 'clear'),
  old_share_min: coalesce(old.share_min, 0.0), old_share_max: coalesce(old.share_max, 0.0),
  new_share_min: coalesce(new.share_min, 0.0), new_share_max: coalesce(new.share_max, 0.0),
  new_seed_reason: new.seed_reason, old_seed_reason: old.seed_reason,
  new_control: coalesce(new.control_definite, false), old_control: coalesce(old.control_definite, false)
})
RETURN count(c) AS changes
