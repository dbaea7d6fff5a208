// description: the runs of one strategy
// param: strategy string -- the Strategy uid
MATCH (r:Run)-[:EXECUTES]->(:Strategy {uid: $strategy})
RETURN r.uid AS run, r.status AS status
