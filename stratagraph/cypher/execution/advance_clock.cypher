// description: move a simulated run's clock forward if it still reads what the caller saw
// param: run string -- the Run uid
// param: from string -- the clock the caller read
// param: to string -- the new time
MATCH (r:Run {uid: $run})
WHERE r.now = $from AND $to > $from
SET r.now = $to
RETURN r.now AS now
