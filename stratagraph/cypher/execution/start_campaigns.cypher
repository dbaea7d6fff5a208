// description: create the campaigns that realise plan items (runs on, targets, uses) with their launch actions, in one statement
// param: run string -- the Run uid
// param: items list -- {item, campaign, campaign_props, action} per plan item
// param: now string -- ISO-8601 UTC time
MATCH (r:Run {uid: $run})
UNWIND $items AS it
MATCH (i:PlanItem {uid: it.item})
MERGE (c:Campaign {uid: it.campaign})
ON CREATE SET c += it.campaign_props, c.created_at = $now, c.updated_at = $now
MERGE (c)-[:REALIZES]->(i)
WITH r, it, c, i
OPTIONAL MATCH (i)-[:ON]->(ch:Channel)
FOREACH (_ IN CASE WHEN ch IS NULL THEN [] ELSE [1] END | MERGE (c)-[:RUNS_ON]->(ch))
WITH r, it, c, i
OPTIONAL MATCH (i)-[:TARGETS]->(a:Audience)
FOREACH (_ IN CASE WHEN a IS NULL THEN [] ELSE [1] END | MERGE (c)-[:TARGETS]->(a))
WITH r, it, c, i
OPTIONAL MATCH (i)-[:USES]->(x:Asset)
FOREACH (_ IN CASE WHEN x IS NULL THEN [] ELSE [1] END | MERGE (c)-[:USES]->(x))
WITH DISTINCT r, it, c
MERGE (act:Action {uid: it.action.uid})
ON CREATE SET act += it.action, act.created_at = $now, act.updated_at = $now
MERGE (act)-[:IN_RUN]->(r)
MERGE (act)-[:FOR_CAMPAIGN]->(c)
RETURN count(act) AS actions
