// description: weekly campaign results per audience x channel in a market (the copilot's evidence)
// param: market string -- a Market uid; empty for all
MATCH (o:KPIObservation)-[:OF]->(cp:Campaign)-[:RUNS_ON]->(c:Channel)
MATCH (cp)-[:TARGETS]->(a:Audience)-[:IN_MARKET]->(m:Market)
WHERE o.kind = 'campaign' AND ($market = '' OR m.uid = $market)
RETURN a.uid AS audience, c.uid AS channel, m.uid AS market, coalesce(a.size, 0) AS audience_size,
       coalesce(m.units_per_usd, 1.0) AS units_per_usd,
       o.uid AS observation, o.period_start AS week,
       coalesce(o.spend, 0.0) AS spend, coalesce(o.conversions, 0.0) AS conversions,
       coalesce(o.revenue, 0.0) AS revenue, coalesce(o.impressions, 0.0) AS impressions,
       coalesce(o.reach, 0.0) AS reach
