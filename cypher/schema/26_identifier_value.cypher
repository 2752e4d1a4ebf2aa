// Finds the identifiers with a value pasted without its scheme (a bare LEI or company number in search).
// Parameters: none
CREATE INDEX identifier_value IF NOT EXISTS FOR (i:Identifier) ON (i.value)
