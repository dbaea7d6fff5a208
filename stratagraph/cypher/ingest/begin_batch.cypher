// description: record a data source and (re)open the ingest batch of one input
MERGE (s:DataSource {uid: $source_uid})
ON CREATE SET s.created_at = $now
SET s.name = $source_name, s.kind = $source_kind, s.location = $location, s.updated_at = $now
MERGE (b:IngestBatch {uid: $batch})
ON CREATE SET b.created_at = $now, b.first_ingested_at = $now, b.times_ingested = 0
SET b.file_name = $source_name,
    b.format = $format,
    b.type_name = $type_name,
    b.checksum = $checksum,
    b.status = 'started',
    b.last_ingested_at = $now,
    b.updated_at = $now,
    b.times_ingested = b.times_ingested + 1
MERGE (b)-[:FROM_SOURCE]->(s)
RETURN b.uid AS batch
