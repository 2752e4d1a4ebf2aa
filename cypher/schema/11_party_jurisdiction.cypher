// Seeds are found by country of incorporation.
// Parameters: none
CREATE INDEX party_jurisdiction IF NOT EXISTS FOR (p:Party) ON (p.jurisdiction)
