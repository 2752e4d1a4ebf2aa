// The parties a warm-up asks about (app/engine/warmup.py), up to $count: entities with a holder that has a
// holder (a what-if sells the first stake and has the buyer take one above it), preferably ones the
// generation ($layers) found restricted through a holder it found restricted, neither a seed (the evidence
// climbs towards the seeds, and such parties sit in chains, whose walks are the long ones), else any entity
// with a holder; and a buyer from one of the policy's jurisdictions when there is one. The first such
// entities found: a warm-up wants the statements of the on-demand verdicts run, not particular parties.
// No row: no entity has a holder.
// Parameters: $layers, $jurisdictions, $count
CALL () {
  MATCH (v:Verdict)
  WHERE v.generation IN $layers AND v.verdict = 'restricted' AND NOT coalesce(v.seed, false)
  WITH DISTINCT v.party_id AS id
  MATCH (x:Party:Entity {id: id})
  CALL (x) {
    MATCH (x)<-[:OWNS]-(h:Party)<-[:OWNS]-(a:Party)
    MATCH (held:Verdict {party_id: h.id})
    WHERE held.generation IN $layers AND held.verdict = 'restricted' AND NOT coalesce(held.seed, false)
    RETURN h, a LIMIT 1
  }
  WITH x, h, a LIMIT $count
  RETURN x, h, a, 0 AS rank
  UNION ALL
  MATCH (x:Party:Entity)
  CALL (x) { MATCH (x)<-[:OWNS]-(h:Party)<-[:OWNS]-(a:Party) RETURN h, a LIMIT 1 }
  WITH x, h, a LIMIT $count
  RETURN x, h, a, 1 AS rank
  UNION ALL
  MATCH (x:Party:Entity)
  CALL (x) { MATCH (x)<-[:OWNS]-(h:Party) RETURN h LIMIT 1 }
  WITH x, h LIMIT $count
  RETURN x, h, h AS a, 2 AS rank
}
WITH x, h, a ORDER BY rank LIMIT $count
OPTIONAL CALL () { MATCH (s:Party) WHERE s.jurisdiction IN $jurisdictions RETURN s LIMIT 1 }
RETURN x.id AS party, h.id AS holder, a.id AS ancestor, coalesce(s.id, a.id) AS buyer
