// description: give up the lease of the process driving a run
// param: run string -- the Run uid
// param: me string -- host:pid:nonce of this process
MATCH (r:Run {uid: $run})
WHERE r.executor = $me
SET r.executor = null, r.executor_until = null
RETURN r.uid AS run
