// description: take (or renew) the lease of the process driving a run; refused while another live process holds it
// param: run string -- the Run uid
// param: me string -- host:pid:nonce of this process
// param: until string -- end of the lease
// param: now string -- ISO-8601 UTC time
// param: dead list -- holders known to be dead (same host, process gone)
MATCH (r:Run {uid: $run})
WITH r, (r.executor IS NULL OR r.executor = $me OR coalesce(r.executor_until, '') < $now
  OR r.executor IN $dead) AS ok
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  SET r.executor = $me, r.executor_until = $until)
RETURN ok, r.executor AS executor, r.executor_until AS until
