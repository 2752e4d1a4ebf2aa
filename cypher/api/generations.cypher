// Generations, newest first, optionally of one policy.
// Parameters: $policy_id (or null), $skip, $limit
MATCH (g:Generation)
WHERE $policy_id IS NULL OR g.policy_id = $policy_id
RETURN g {.id, .policy_id, .policy_version, .as_of, .status, .started_at, .published_at, .data_loaded_at,
          .data_parties, .previous, .count_restricted, .count_review, .count_clear, .seconds, .rounds, .seeds,
          .region, .error} AS generation
ORDER BY g.started_at DESC
SKIP $skip LIMIT $limit
