// Generations whose verdicts can go: per policy, published ones older than the newest $keep, and the
// failed, abandoned, rolled-back ones, any left half-pruned ('pruning') by a killed run, and any left
// 'computing' by a killed computation (the caller holds the compute lock, so none is running). Never
// the ones computed and waiting for a refresh to publish them ('computed'), and never a layer of a
// generation that stays (an incremental generation stores only what changed and reads the rest from
// the generations below it, its `layers`).
// Parameters: $keep
MATCH (g:Generation)
WHERE g.status IN ['published', 'computed', 'failed', 'abandoned', 'rolled_back', 'pruning', 'computing']
WITH g.policy_id AS policy, g
ORDER BY g.published_at DESC
WITH policy, collect(g) AS all
WITH policy, [x IN all WHERE x.status = 'published'] AS published, [x IN all WHERE x.status = 'computed'] AS waiting,
     [x IN all WHERE NOT x.status IN ['published', 'computed']] AS others
WITH collect({drop: published[$keep..] + others, stay: published[..$keep] + waiting}) AS policies
WITH policies, reduce(ids = [], p IN policies | ids + reduce(l = [], s IN p.stay | l + coalesce(s.layers, [s.id])))
       AS needed
UNWIND policies AS p
UNWIND p.drop AS g
WITH g, needed
WHERE NOT g.id IN needed
RETURN g.id AS id, g.status AS status, g.policy_id AS policy
