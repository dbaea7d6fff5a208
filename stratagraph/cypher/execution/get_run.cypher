// description: one run with its strategy
// param: uid string -- the Run uid
MATCH (r:Run {uid: $uid})
OPTIONAL MATCH (r)-[:EXECUTES]->(s:Strategy)
RETURN properties(r) AS run, s.uid AS strategy, s.status AS strategy_status,
  s.lineage_key AS lineage_key, s.version AS version
