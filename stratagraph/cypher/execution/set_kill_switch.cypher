// description: turn the global kill switch on or off
// param: on bool -- on or off
// param: actor string -- who
// param: reason string -- why
// param: now string -- ISO-8601 UTC time
MERGE (k:KillSwitch {uid: 'global'})
ON CREATE SET k.created_at = $now
SET k.on = $on, k.actor = $actor, k.reason = $reason, k.at = $now, k.updated_at = $now
RETURN k.on AS on
