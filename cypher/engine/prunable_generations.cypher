// Generations whose verdicts can go: per policy, published ones older than the newest $keep, and the
// failed, abandoned, rolled-back ones, any left half-pruned ('pruning') by a killed run, and any left
// 'computing' by a killed computation (the caller holds the compute lock, so none is running). Never
// the ones computed and waiting for a refresh to publish them ('computed').
// Parameters: $keep
MATCH (g:Generation)
WHERE g.status IN ['published', 'failed', 'abandoned', 'rolled_back', 'pruning', 'computing']
WITH g.policy_id AS policy, g
ORDER BY g.published_at DESC
WITH policy, [x IN collect(g) WHERE x.status = 'published'] AS published,
     [x IN collect(g) WHERE x.status <> 'published'] AS others
UNWIND published[$keep..] + others AS g
RETURN g.id AS id, g.status AS status, g.policy_id AS policy
