// Takes a named lock unless another live owner holds it; an expired lock is taken over.
// Parameters: $name, $owner, $now, $expires
MERGE (l:Lock {name: $name})
WITH l, l.owner IS NULL OR l.expires < $now OR l.owner = $owner AS free
SET l.owner = CASE WHEN free THEN $owner ELSE l.owner END,
    l.expires = CASE WHEN free THEN $expires ELSE l.expires END,
    l.acquired_at = CASE WHEN free THEN $now ELSE l.acquired_at END
RETURN free AS acquired, l.owner AS owner, l.expires AS expires
