// description: pause one live campaign (guardrail) with its reason, writing its pause action in the same statement
// param: campaign string -- the Campaign uid
// param: reason string -- why, e.g. roi below the forecast's p10 for 2 periods
// param: action map -- the pause action
// param: now string -- ISO-8601 UTC time
MATCH (c:Campaign {uid: $campaign})
MATCH (r:Run {uid: c.run_uid})
WITH c, r, c.status = 'live' AS ok
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  SET c.status = 'paused', c.reason = $reason, c.updated_at = $now
  MERGE (a:Action {uid: $action.uid})
  ON CREATE SET a += $action, a.created_at = $now, a.updated_at = $now
  MERGE (a)-[:IN_RUN]->(r)
  MERGE (a)-[:FOR_CAMPAIGN]->(c))
RETURN ok, c.status AS status
