// description: move a running run's day marker and write the actions that step causes, in one statement (idempotent: a marker already moved writes nothing)
// param: run string -- the Run uid
// param: opened string = -- new opened_through day ('' leaves it)
// param: closed string = -- new closed_through day ('' leaves it)
// param: actions list -- Action property maps (uid, idempotency_key, kind, campaign_uid, contact_uid...)
// param: now string -- ISO-8601 UTC time
MATCH (r:Run {uid: $run})
WHERE r.status = 'running'
  AND ($opened = '' OR coalesce(r.opened_through, '') < $opened)
  AND ($closed = '' OR coalesce(r.closed_through, '') < $closed)
SET r.opened_through = CASE WHEN $opened = '' THEN r.opened_through ELSE $opened END,
    r.closed_through = CASE WHEN $closed = '' THEN r.closed_through ELSE $closed END,
    r.updated_at = $now
WITH r
UNWIND $actions AS x
MATCH (c:Campaign {uid: x.campaign_uid})
MERGE (a:Action {uid: x.uid})
ON CREATE SET a += x, a.created_at = $now, a.updated_at = $now
MERGE (a)-[:IN_RUN]->(r)
MERGE (a)-[:FOR_CAMPAIGN]->(c)
WITH a, x
OPTIONAL MATCH (ct:Contact {uid: coalesce(x.contact_uid, '')})
FOREACH (_ IN CASE WHEN ct IS NULL THEN [] ELSE [1] END | MERGE (a)-[:TO_CONTACT]->(ct))
RETURN count(a) AS actions
