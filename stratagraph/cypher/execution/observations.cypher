// description: the KPI observations of a run's campaigns, per day
// param: run string -- the Run uid
MATCH (o:KPIObservation)-[:OF]->(c:Campaign {run_uid: $run})
RETURN c.uid AS campaign, o.period_start AS day, coalesce(o.spend, 0.0) AS spend,
  coalesce(o.impressions, 0.0) AS impressions, coalesce(o.clicks, 0.0) AS clicks,
  coalesce(o.conversions, 0.0) AS conversions, coalesce(o.revenue, 0.0) AS revenue,
  coalesce(o.reach, 0.0) AS reach
ORDER BY campaign, day
