// description: the next version number of a strategy lineage
// param: lineage_key string -- goal:objective[:scenario]
OPTIONAL MATCH (s:Strategy {lineage_key: $lineage_key})
RETURN coalesce(max(s.version), 0) + 1 AS version
