// Withdraws a policy's current generation and republishes the one before it, in one transaction.
// Parameters: $policy_id, $now (datetime)
MATCH (g:Generation {policy_id: $policy_id, status: 'published'})
WITH g ORDER BY g.published_at DESC
WITH collect(g) AS published
WHERE size(published) >= 2
WITH published[0] AS current, published[1] AS previous
SET current.status = 'rolled_back', current.rolled_back_at = $now, previous.published_at = $now
RETURN current.id AS withdrawn, previous.id AS republished
