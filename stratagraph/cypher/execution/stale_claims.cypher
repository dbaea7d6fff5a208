// description: holders of a run's in-flight actions and when their claims end
// param: run string -- the Run uid
MATCH (a:Action {run_uid: $run})
WHERE a.status IN ['claimed', 'gated', 'sending']
RETURN a.claimed_by AS worker, min(a.lease_until) AS lease_until, count(a) AS actions
