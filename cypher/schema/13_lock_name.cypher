// Named locks (one computation or refresh at a time).
// Parameters: none
CREATE CONSTRAINT lock_name IF NOT EXISTS FOR (l:Lock) REQUIRE l.name IS UNIQUE
