// description: write actions into a run's outbox (idempotent by uid); for control steps whose state change was recorded by the same caller
// param: run string -- the Run uid
// param: actions list -- Action property maps
// param: now string -- ISO-8601 UTC time
MATCH (r:Run {uid: $run})
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
