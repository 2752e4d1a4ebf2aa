// Every party (entity or person) has one platform id.
// Parameters: none
CREATE CONSTRAINT party_id IF NOT EXISTS FOR (p:Party) REQUIRE p.id IS UNIQUE
