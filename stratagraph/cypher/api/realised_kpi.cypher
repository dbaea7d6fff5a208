// description: one KPI observation measured by an action of a run (a realised KPI), the newest period first
MATCH (k:KPIObservation)-[:FROM_ACTION]->(:Action)
RETURN k.uid AS uid, k.period_start AS period_start
ORDER BY period_start DESC, uid
LIMIT 1
