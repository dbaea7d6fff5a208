// description: the campaigns of a run with their plan item's budget and forecast band
// param: run string -- the Run uid
MATCH (c:Campaign {run_uid: $run})-[:REALIZES]->(i:PlanItem)
OPTIONAL MATCH (c)-[:RUNS_ON]->(ch:Channel)
OPTIONAL MATCH (c)-[:TARGETS]->(a:Audience)
RETURN c.uid AS campaign, c.status AS status, c.reason AS reason, c.drift AS drift,
  coalesce(c.drift_periods, 0) AS drift_periods, c.checked_through AS checked_through,
  coalesce(c.spend, 0.0) AS spend, coalesce(c.reserved, 0.0) AS reserved,
  i.uid AS plan_item, i.budget AS budget, i.start AS start, i.end AS end,
  ch.uid AS channel, ch.kind AS channel_kind, a.uid AS audience,
  i.conversions_p10 AS conversions_p10, i.conversions_p50 AS conversions_p50,
  i.conversions_p90 AS conversions_p90, i.revenue_p10 AS revenue_p10,
  i.revenue_p50 AS revenue_p50, i.revenue_p90 AS revenue_p90,
  i.roi_p10 AS roi_p10, i.roi_p50 AS roi_p50, i.roi_p90 AS roi_p90,
  i.spend_p50 AS spend_p50, i.weekly_start AS weekly_start, i.weekly_spend AS weekly_spend,
  i.weekly_conversions_p10 AS weekly_conversions_p10,
  i.weekly_conversions_p90 AS weekly_conversions_p90,
  i.weekly_revenue_p10 AS weekly_revenue_p10, i.weekly_revenue_p90 AS weekly_revenue_p90
ORDER BY campaign
