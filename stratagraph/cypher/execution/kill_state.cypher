// description: whether channel calls are stopped: the global kill switch and the run's own
// param: run string = -- the Run uid ('' for the global switch only)
OPTIONAL MATCH (k:KillSwitch {uid: 'global'})
OPTIONAL MATCH (r:Run {uid: $run})
RETURN coalesce(k.on, false) AS global_on, coalesce(r.kill_switch, false) AS run_on,
  r.status AS run_status
