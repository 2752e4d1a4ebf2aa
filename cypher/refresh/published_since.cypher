// Published generations (optionally of one policy) published after a moment, oldest first.
// Parameters: $since (datetime), $policy_id (or null), $limit
MATCH (g:Generation)
WHERE g.status IN ['published', 'rolled_back'] AND g.published_at > $since
  AND ($policy_id IS NULL OR g.policy_id = $policy_id)
RETURN g {.id, .policy_id, .policy_version, .as_of, .published_at, .previous_published, .changes,
          .status} AS generation
ORDER BY g.published_at
LIMIT $limit
