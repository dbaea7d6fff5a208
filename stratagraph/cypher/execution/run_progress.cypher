// description: a run's actions counted by kind and status, and the earliest time anything is due
// param: run string -- the Run uid
MATCH (a:Action {run_uid: $run})
RETURN a.kind AS kind, a.status AS status, count(a) AS actions,
  sum(coalesce(a.cost, 0.0)) AS cost, min(a.scheduled_for) AS first_due
