// Published generations whose change log is not yet exported or not yet delivered to the webhook.
// Parameters: none
MATCH (g:Generation)
WHERE g.status = 'published' AND g.changes IS NOT NULL
  AND (coalesce(g.changes_exported, false) = false OR g.webhook_status = 'pending')
RETURN g {.*} AS generation
ORDER BY g.published_at
