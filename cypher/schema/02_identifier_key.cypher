// An identifier (SCHEME:ID, org-id.guide scheme codes) names exactly one node.
// Parameters: none
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (i:Identifier) REQUIRE i.key IS UNIQUE
