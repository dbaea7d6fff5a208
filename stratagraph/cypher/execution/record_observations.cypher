// description: write the KPI observations measured by measure actions, linked to their action and campaign (idempotent by uid)
// param: rows list -- {uid, action, campaign, props} per observation
// param: now string -- ISO-8601 UTC time
UNWIND $rows AS row
MATCH (a:Action {uid: row.action})
MATCH (c:Campaign {uid: row.campaign})
MERGE (o:KPIObservation {uid: row.uid})
ON CREATE SET o += row.props, o.created_at = $now, o.updated_at = $now
MERGE (o)-[:FROM_ACTION]->(a)
MERGE (o)-[:OF]->(c)
RETURN count(o) AS observations
