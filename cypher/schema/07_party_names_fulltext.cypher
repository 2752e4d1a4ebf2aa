// Full-text search over party names, for search and screening.
// Parameters: none
CREATE FULLTEXT INDEX party_names IF NOT EXISTS FOR (p:Party) ON EACH [p.name, p.names_text]
