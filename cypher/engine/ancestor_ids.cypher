// The ids of every party above each given one through ownership and control (any date, any depth),
// merged: a what-if bounds the parties its changes reach to those that can move the
// asked party's verdict. `complete` is false when more than $limit were found.
// Parameters: $ids, $limit
UNWIND $ids AS id
MATCH (x:Party {id: id})
USING INDEX x:Party(id)
OPTIONAL MATCH (x)<-[:OWNS|CONTROLS*1..]-(a:Party)
WITH collect(DISTINCT a.id) AS ids
RETURN ids[..$limit] AS ids, size(ids) <= $limit AS complete
