// The newest published generation of a policy.
// Parameters: $policy_id
MATCH (g:Generation {policy_id: $policy_id, status: 'published'})
RETURN g {.*} AS generation
ORDER BY g.published_at DESC
LIMIT 1
