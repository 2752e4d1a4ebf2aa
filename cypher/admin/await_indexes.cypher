// Blocks until every index (and constraint backing index) is online.
// Parameters: none
CALL db.awaitIndexes(300)
