// Snapshot files a refresh has loaded, by source name and content hash.
// Parameters: none
CREATE CONSTRAINT source_file_key IF NOT EXISTS FOR (f:SourceFile) REQUIRE f.key IS UNIQUE
