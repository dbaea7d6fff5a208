// description: a strategy's status and the actors who made it
// param: uid string -- the Strategy uid
MATCH (s:Strategy {uid: $uid})
RETURN coalesce(s.status, 'draft') AS status, s.maker AS maker, s.submitted_by AS submitted_by
