// Writes the change log of a generation against the one it replaces: every party whose verdict differs
// (a party without a stored verdict is clear), with both bounds and the seed reason. Returns the count.
// Generations are stacks of layers ($layers, $previous_layers: newest first; a party's newest verdict in
// them counts). When the generation is a layer on top of $previous ($layered), only its own layer can
// differ; otherwise both sides are compared party by party.
// Parameters: $generation, $layers, $previous (generation id or null: every non-clear verdict is a change),
//   $previous_layers (list, empty when no previous), $layered
CALL () {
  MATCH (n:Verdict)
  WHERE n.generation IN CASE WHEN $layered THEN [$generation] ELSE $layers END
  WITH n.party_id AS party_id, n ORDER BY n.layer DESC
  WITH party_id, head(collect(n)) AS n
  CALL (party_id) {
    :include newest_verdict(OPTIONAL MATCH, o, $previous_layers, party_id)
  }
  WITH party_id, n, o WHERE coalesce(o.verdict, 'clear') <> n.verdict
  RETURN party_id, o AS old, n AS new
  UNION
  UNWIND CASE WHEN $layered THEN [] ELSE [true] END AS wanted
  MATCH (o:Verdict)
  WHERE o.generation IN $previous_layers
  WITH o.party_id AS party_id, o ORDER BY o.layer DESC
  WITH party_id, head(collect(o)) AS o
  WHERE o.verdict <> 'clear'
    AND NOT EXISTS { MATCH (n:Verdict) WHERE n.generation IN $layers AND n.party_id = party_id }
  RETURN party_id, o AS old, null AS new
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
