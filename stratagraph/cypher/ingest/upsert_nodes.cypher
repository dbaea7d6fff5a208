// description: write a slice of __LABEL__ rows and link each node to the batch that wrote it last
UNWIND $rows AS r
MERGE (n:__LABEL__ {uid: r.uid})
ON CREATE SET n.created_at = $now
SET n += r, n.updated_at = $now
WITH n
OPTIONAL MATCH (n)-[old:FROM_BATCH]->(prev:IngestBatch)
WHERE prev.uid <> $batch
DELETE old
WITH DISTINCT n
MATCH (b:IngestBatch {uid: $batch})
MERGE (n)-[:FROM_BATCH]->(b)
RETURN count(n) AS written
