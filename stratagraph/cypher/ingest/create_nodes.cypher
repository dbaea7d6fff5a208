// description: create a slice of __LABEL__ nodes known not to exist yet, with their lineage
// (the unique uid constraint turns a concurrent creation into an error, never a duplicate)
MATCH (b:IngestBatch {uid: $batch})
UNWIND $rows AS r
CREATE (n:__LABEL__)
SET n = r, n.created_at = $now, n.updated_at = $now
CREATE (n)-[:FROM_BATCH]->(b)
RETURN count(n) AS written
