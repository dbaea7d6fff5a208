// description: claim a batch of due actions of a run for one dispatcher (pause actions go out whatever the run's status; nothing is claimed while a kill switch is on)
// param: run string -- the Run uid
// param: worker string -- host:pid:nonce of the dispatcher
// param: now string -- the run's clock
// param: wall string -- wall-clock time (claims and leases)
// param: lease string -- end of the claim
// param: limit int -- batch size
MATCH (r:Run {uid: $run})
OPTIONAL MATCH (k:KillSwitch {uid: 'global'})
WITH r, coalesce(k.on, false) OR coalesce(r.kill_switch, false) AS killed
WHERE NOT killed
SET r.lock_n = coalesce(r.lock_n, 0) + 1
WITH r
MATCH (a:Action {run_uid: $run, status: 'pending'})
WHERE a.scheduled_for <= $now AND (r.status = 'running' OR a.kind = 'pause')
WITH a ORDER BY a.scheduled_for, a.seq LIMIT $limit
SET a.status = 'claimed', a.claimed_by = $worker, a.lease_until = $lease,
    a.attempts = coalesce(a.attempts, 0) + 1, a.updated_at = $wall
RETURN a.uid AS uid, a.idempotency_key AS key, a.kind AS kind, a.step AS step,
  coalesce(a.amount, 0.0) AS amount, a.campaign_uid AS campaign, a.plan_item_uid AS plan_item,
  a.channel_uid AS channel, a.contact_uid AS contact, a.day AS day, a.local_day AS local_day,
  a.scheduled_for AS scheduled_for, coalesce(a.reserved, false) AS reserved,
  a.attempts AS attempts, a.seq AS seq
