// What an on-demand verdict's fixed point (and the ultimate owners) need, as one record: the party and
// every party above it through ownership and control (any date, any depth: a holder left out would count
// as clear; at most $limit parties), each with the interests held in it that are valid on $as_of, only
// the fields the arithmetic reads. One record of lists: the walk's size is thousands of parties, and a
// row per party cost more to receive than Neo4j took to read them (README, "Benchmarks"). The evidence
// reads the interests' statement ids, sources and holder names later, for the few it shows
// (interest_details, by `eid`).
// $known: ids of parties whose values the caller has (settled on this date, app/engine/settled.py), grouped
// by their last $stop_key_length characters: a map from those to one text, "\nid\nid\n" (`StopIds`; ids
// holding a newline are left out by the caller). The walk does not enter them (the interests they hold
// in walked parties are still read); a party whose id holds a newline is never taken as one of them. One
// text per group rather than a list: with 11,600 ids a list took twice as long to send and read, and the
// statement tests each party the walk meets, which on one list built from one text took a pass over all
// of it (README, "Benchmarks"). When it names $id itself, only $id is read: its holders are all settled
// too. The predicate on the path's nodes keeps the breadth-first pruning expand (a predicate on a slice
// of them does not); an empty map costs nothing measurable.
// $ref instead of $id (which is then null): the party a reference names (an identifier key, else a platform
// id, as `resolve_ref`), and with the walk what a far-date verdict otherwise read in two more round trips
// (app/engine/shifted.py): the party as `stored_bundle` returns it, its identifiers, the data stamp (the
// same three index reads as `stored_bundle`'s) and the evidence's details of the interests held in the
// party itself (as `interest_details`); `fragments/walk_start`. With $id these come back empty.
// Parameters: $id, $ref, $limit, $as_of, $known, $stop_key_length
:include walk_start
OPTIONAL MATCH path = (x)<-[:OWNS|CONTROLS*1..]-(a:Party)
WHERE all(n IN nodes(path) WHERE n.id CONTAINS '\n'
                                OR NOT coalesce($known[right(n.id, $stop_key_length)], '') CONTAINS '\n' + n.id + '\n')
WITH x, identifiers, details, stamps, collect(DISTINCT a)[..$limit] AS ancestors
WITH x, identifiers, details, stamps,
     CASE WHEN x IN ancestors THEN ancestors ELSE ancestors + [x] END AS nodes,
     size(ancestors) >= $limit AS truncated
UNWIND nodes AS b
CALL (b) {
  OPTIONAL MATCH (b)<-[r:OWNS|CONTROLS]-(h:Party)
  WHERE (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= $as_of)
  RETURN collect(CASE WHEN r IS NOT NULL THEN [h.id, type(r), r.measure, r.kind, r.share_min, r.share_max,
                 r.share_min_exclusive, r.share_max_exclusive, r.direct, elementId(r)] END) AS interests
}
WITH x, identifiers, details, stamps, truncated,
     collect([b.id, b.kind, b.entity_type, b.jurisdiction, b.headquarters, b.state_of, b.nationalities,
              interests]) AS parties
:include walk_record
