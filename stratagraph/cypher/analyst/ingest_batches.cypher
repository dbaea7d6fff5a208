// description: every ingest batch with its source, status and counts, newest first
// param: limit int = 100 -- most batches to list
MATCH (b:IngestBatch)-[:FROM_SOURCE]->(s:DataSource)
RETURN b.uid AS batch, s.name AS source, b.format AS format, b.type_name AS type,
       b.status AS status, b.rows_read AS rows_read, b.rows_rejected AS rows_rejected,
       b.nodes_written AS nodes_written, b.relationships_written AS relationships_written,
       b.times_ingested AS times_ingested, b.first_ingested_at AS first_ingested_at,
       b.last_ingested_at AS last_ingested_at, b.checksum AS checksum
ORDER BY last_ingested_at DESC, batch
LIMIT $limit
