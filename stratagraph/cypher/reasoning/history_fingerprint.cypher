// description: a cheap summary that changes whenever campaign history is added or rewritten
MATCH (o:KPIObservation)
WHERE o.kind = 'campaign'
RETURN count(o) AS observations, max(o.updated_at) AS last_write, max(o.period_start) AS last_week
