// description: turn one run's kill switch on or off
// param: run string -- the Run uid
// param: on bool -- on or off
// param: now string -- ISO-8601 UTC time
MATCH (r:Run {uid: $run})
SET r.kill_switch = $on, r.updated_at = $now
RETURN r.kill_switch AS on
