// description: a cheap summary that changes whenever campaign history is added or rewritten: observations are only ever created (a count the engines keep) or rewritten by an ingest batch (which stamps its IngestBatch node); a scan of the observations took 40-200 ms on the large twin
MATCH (o:KPIObservation)
WITH count(o) AS observations
OPTIONAL MATCH (b:IngestBatch)
RETURN observations, count(b) AS batches, max(b.updated_at) AS last_batch
