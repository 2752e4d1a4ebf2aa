// One node per computed verdict generation.
// Parameters: none
CREATE CONSTRAINT generation_id IF NOT EXISTS FOR (g:Generation) REQUIRE g.id IS UNIQUE
