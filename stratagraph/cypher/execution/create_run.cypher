// description: create the run of a strategy; an existing run is returned unchanged (idempotent)
// param: strategy string -- the Strategy uid
// param: uid string -- the Run uid
// param: props map -- the run's properties when it is created
// param: now string -- ISO-8601 UTC time
MATCH (s:Strategy {uid: $strategy})
MERGE (r:Run {uid: $uid})
ON CREATE SET r += $props, r.created_at = $now, r.updated_at = $now
MERGE (r)-[:EXECUTES]->(s)
RETURN properties(r) AS run
