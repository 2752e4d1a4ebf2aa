// Records that a refresh loaded a snapshot file completely (written only after the load finished).
// Parameters: $key, $props
MERGE (f:SourceFile {key: $key})
SET f += $props, f.status = 'loaded'
