// Takes over a lock whose owner is known to be dead (same host, process gone); only if that owner still holds it.
// Parameters: $name, $dead_owner, $owner, $now, $expires
MATCH (l:Lock {name: $name, owner: $dead_owner})
SET l.owner = $owner, l.expires = $expires, l.acquired_at = $now, l.taken_over_from = $dead_owner
RETURN count(l) = 1 AS acquired
