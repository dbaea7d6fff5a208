// description: runs of the other versions of a strategy's lineage that are running or paused
// param: lineage_key string -- the lineage of the strategy
// param: strategy string -- the strategy itself (left out)
MATCH (r:Run)-[:EXECUTES]->(s:Strategy {lineage_key: $lineage_key})
WHERE s.uid <> $strategy AND r.status IN ['running', 'paused']
RETURN r.uid AS run, r.status AS status, s.uid AS strategy, s.version AS version
