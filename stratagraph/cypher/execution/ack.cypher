// description: record what the channels answered: charge the cost (never more than reserved), release the reservation, settle the actions
// param: run string -- the Run uid
// param: worker string -- the dispatcher holding the claims
// param: results list -- {uid, status, cost, result, error, scheduled_for}; status sent, failed or pending (an ambiguous answer: retried later with the same key)
// param: now string -- wall-clock time
MATCH (r:Run {uid: $run})
SET r.lock_n = coalesce(r.lock_n, 0) + 1
WITH r
UNWIND $results AS x
MATCH (a:Action {uid: x.uid})-[:FOR_CAMPAIGN]->(c:Campaign)
WHERE a.status = 'sending' AND a.claimed_by = $worker
WITH r, c, a, x,
  CASE WHEN x.status = 'pending' THEN 0.0 ELSE coalesce(a.amount, 0.0) END AS released,
  CASE WHEN x.status = 'sent' THEN x.cost ELSE 0.0 END AS cost
SET a.status = x.status, a.cost = cost, a.result = x.result, a.error = x.error,
    a.sent_at = CASE WHEN x.status = 'sent' THEN $now ELSE a.sent_at END,
    a.reserved = x.status = 'pending',
    a.scheduled_for = coalesce(x.scheduled_for, a.scheduled_for),
    a.claimed_by = CASE WHEN x.status = 'pending' THEN null ELSE a.claimed_by END,
    a.updated_at = $now
WITH r, c, sum(released) AS released, sum(cost) AS cost, count(a) AS n
SET c.reserved = coalesce(c.reserved, 0.0) - released, c.spend = coalesce(c.spend, 0.0) + cost,
    c.updated_at = $now
WITH r, sum(released) AS released, sum(cost) AS cost, sum(n) AS n
SET r.reserved = coalesce(r.reserved, 0.0) - released, r.spent = coalesce(r.spent, 0.0) + cost
RETURN n AS actions, released, cost
