// Releases a named lock held by this owner.
// Parameters: $name, $owner
MATCH (l:Lock {name: $name, owner: $owner})
SET l.owner = null, l.expires = null
RETURN count(l) AS released
