// description: every version of a strategy's lineage (same lineage_key), newest first
// param: lineage_key string -- the lineage of the strategy
MATCH (s:Strategy {lineage_key: $lineage_key})
RETURN properties(s) AS props
ORDER BY s.version DESC
