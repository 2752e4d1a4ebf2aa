// Which of the given snapshot files (by source name and content hash) a refresh has loaded completely.
// Parameters: $keys (list of 'source|sha256' strings)
UNWIND $keys AS key
MATCH (f:SourceFile {key: key})
WHERE f.status = 'loaded'
RETURN f.key AS key
