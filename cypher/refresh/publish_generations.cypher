// Publishes several computed generations in one transaction: readers see all of them or none.
// Parameters: $ids, $now (datetime)
UNWIND $ids AS id
MATCH (g:Generation {id: id})
WHERE g.status = 'computed'
SET g.status = 'published', g.published_at = $now
RETURN collect(g.id) AS published
