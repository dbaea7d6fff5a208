// description: the nodes one ingest batch wrote last, page by page
// param: batch string -- an IngestBatch uid
// param: skip int = 0 -- rows to skip
// param: limit int = 1000 -- rows to return
MATCH (n)-[:FROM_BATCH]->(:IngestBatch {uid: $batch})
RETURN labels(n)[0] AS label, n.uid AS uid, n.updated_at AS updated_at
ORDER BY label, uid
SKIP $skip LIMIT $limit
