// description: hand claimed actions back to the queue (kill switch, run paused, quiet hours); a new due time may be given per action
// param: worker string -- the dispatcher holding the claims
// param: rows list -- {uid, scheduled_for (or null to keep), error}
// param: now string -- wall-clock time
UNWIND $rows AS x
MATCH (a:Action {uid: x.uid})
WHERE a.claimed_by = $worker AND a.status IN ['claimed', 'gated', 'sending']
SET a.status = 'pending', a.claimed_by = null, a.lease_until = null,
    a.scheduled_for = coalesce(x.scheduled_for, a.scheduled_for),
    a.error = x.error, a.updated_at = $now
RETURN count(a) AS released
