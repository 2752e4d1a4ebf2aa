// Seeds are found by country of headquarters.
// Parameters: none
CREATE INDEX party_headquarters IF NOT EXISTS FOR (p:Party) ON (p.headquarters)
