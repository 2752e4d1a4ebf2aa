// Generations left 'computing' or 'computed' by a refresh that died are never published: marks them
// abandoned so nothing reads them. The published generations are untouched.
// Parameters: none
MATCH (g:Generation)
WHERE g.status IN ['computing', 'computed']
SET g.status = 'abandoned'
RETURN count(g) AS abandoned
