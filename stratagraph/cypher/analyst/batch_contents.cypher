// description: what one ingest batch wrote, counted per node label and relationship type
// param: batch string -- an IngestBatch uid (see the ingest_batches query)
MATCH (n)-[:FROM_BATCH]->(:IngestBatch {uid: $batch})
RETURN 'node' AS kind, labels(n)[0] AS type, count(n) AS written
UNION ALL
MATCH ()-[r]->()
WHERE r.batch = $batch
RETURN 'relationship' AS kind, type(r) AS type, count(r) AS written
