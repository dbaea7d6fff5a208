// description: link a new strategy version to the latest earlier version of its lineage
// param: strategy string -- the new Strategy uid
// param: lineage_key string -- its lineage
// param: previous int -- the version it replaces
MATCH (new:Strategy {uid: $strategy})
MATCH (old:Strategy {lineage_key: $lineage_key})
WHERE old.uid <> $strategy AND old.version = $previous
MERGE (new)-[:SUPERSEDES]->(old)
RETURN old.uid AS uid, old.status AS status
