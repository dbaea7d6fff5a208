// description: change a run's status when it is in one of the expected statuses, writing the control actions (pause, relaunch) it causes in the same statement
// param: run string -- the Run uid
// param: from list -- statuses the run may be in
// param: to string -- the new status
// param: reason string -- why
// param: finished string = -- finished_at to set ('' leaves it)
// param: actions list -- control actions caused by the change
// param: now string -- ISO-8601 UTC time
MATCH (r:Run {uid: $run})
WITH r, r.status IN $from AS ok, r.status AS before
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  SET r.status = $to, r.reason = $reason, r.updated_at = $now,
      r.finished_at = CASE WHEN $finished = '' THEN r.finished_at ELSE $finished END
  FOREACH (x IN $actions |
    MERGE (a:Action {uid: x.uid})
    ON CREATE SET a += x, a.created_at = $now, a.updated_at = $now
    MERGE (a)-[:IN_RUN]->(r)))
WITH r, ok, before
UNWIND CASE WHEN ok AND size($actions) > 0 THEN $actions ELSE [null] END AS x
OPTIONAL MATCH (a:Action {uid: coalesce(x.uid, '')})
OPTIONAL MATCH (c:Campaign {uid: coalesce(x.campaign_uid, '')})
FOREACH (_ IN CASE WHEN a IS NULL OR c IS NULL THEN [] ELSE [1] END | MERGE (a)-[:FOR_CAMPAIGN]->(c))
RETURN ok, before, r.status AS status, count(a) AS actions
