// description: the data sources of the KPI observations a strategy was derived from
// param: strategy string -- the Strategy uid
MATCH (:Strategy {uid: $strategy})-[:DERIVED_FROM]->(:KPIObservation)-[:FROM_BATCH]->(:IngestBatch)-[:FROM_SOURCE]->(d:DataSource)
RETURN DISTINCT d.uid AS uid
ORDER BY uid
