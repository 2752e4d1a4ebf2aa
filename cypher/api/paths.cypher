// Ownership and control paths from a holder down to a subject: the shortest ones first (at most 25, at
// most 10 interests long), each as its parties and interests in order.
// Parameters: $holder_id, $subject_id
MATCH (a:Party {id: $holder_id})
USING INDEX a:Party(id)
MATCH (b:Party {id: $subject_id})
USING INDEX b:Party(id)
MATCH p = SHORTEST 25 (a)(()-[:OWNS|CONTROLS]->()){1,10}(b)
RETURN [n IN nodes(p) | n {.id, .name, .kind, .jurisdiction, .headquarters}] AS parties,
       [r IN relationships(p) | r {relation: type(r), .measure, .kind, .share_min, .share_max,
          .share_min_exclusive, .share_max_exclusive, .direct, .start_date, .end_date, .statement_id,
          .source}] AS interests
