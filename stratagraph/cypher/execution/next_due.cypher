// description: when the next pending action of a run falls due
// param: run string -- the Run uid
MATCH (a:Action {run_uid: $run, status: 'pending'})
RETURN min(a.scheduled_for) AS next_due, count(a) AS pending
