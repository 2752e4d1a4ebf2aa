// Takes generations out of service before their verdicts are deleted, so a run killed half-way never
// leaves a published or republishable generation with verdicts missing (status 'pruning', finished later).
// Parameters: $ids, $now (datetime)
UNWIND $ids AS id
MATCH (g:Generation {id: id})
SET g.pruned_from = coalesce(g.pruned_from, g.status), g.status = 'pruning', g.pruning_at = $now
RETURN count(g) AS marked
