// description: close an ingest batch with its counts
MATCH (b:IngestBatch {uid: $batch})
SET b.status = $status,
    b.rows_read = $rows_read,
    b.rows_written = $rows_written,
    b.rows_rejected = $rows_rejected,
    b.nodes_written = $nodes_written,
    b.relationships_written = $relationships_written,
    b.updated_at = $now
RETURN b.uid AS batch
