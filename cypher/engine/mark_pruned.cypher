// A generation whose verdicts are gone; its record (policy, version, data snapshot, counts) stays, and so
// does its change log.
// Parameters: $id, $now (datetime), $deleted
MATCH (g:Generation {id: $id})
SET g.status = 'pruned', g.pruned_at = $now, g.verdicts_deleted = coalesce(g.verdicts_deleted, 0) + $deleted
RETURN g.id AS id
