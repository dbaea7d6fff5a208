// description: settle claimed actions without a channel call (e.g. refused by the budget)
// param: worker string -- the dispatcher holding the claims
// param: uids list -- Action uids
// param: status string -- skipped or failed
// param: error string -- why
// param: now string -- wall-clock time
MATCH (a:Action)
WHERE a.uid IN $uids AND a.claimed_by = $worker AND a.status IN ['claimed', 'gated']
  AND NOT coalesce(a.reserved, false)
SET a.status = $status, a.error = $error, a.updated_at = $now
RETURN count(a) AS skipped
