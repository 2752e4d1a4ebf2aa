// How many nodes the database holds (read from the count store).
// Parameters: none
MATCH (n) RETURN count(n) AS nodes
