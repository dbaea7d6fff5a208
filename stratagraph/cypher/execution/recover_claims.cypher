// description: put back the in-flight actions of dead or expired workers (a send already attempted keeps its reservation and is retried with the same key)
// param: run string -- the Run uid
// param: dead list -- workers known to be dead
// param: now string -- ISO-8601 UTC time
MATCH (a:Action {run_uid: $run})
WHERE a.status IN ['claimed', 'gated', 'sending']
  AND (a.claimed_by IN $dead OR coalesce(a.lease_until, '') < $now)
SET a.status = 'pending', a.claimed_by = null, a.lease_until = null, a.updated_at = $now
RETURN count(a) AS recovered
