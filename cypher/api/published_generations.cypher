// The newest published generation of every policy, for announcing what the API serves.
// Parameters: none
MATCH (g:Generation {status: 'published'})
WITH g.policy_id AS policy_id, g ORDER BY g.published_at DESC
WITH policy_id, collect(g)[0] AS g
RETURN policy_id, g {.*} AS generation
