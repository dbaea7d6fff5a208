// description: the KPI of each geo and period of a market's media-mix series
// param: market string -- a Market uid
MATCH (o:KPIObservation)-[:OF]->(m:Market {uid: $market})
WHERE o.kind = 'outcome'
RETURN coalesce(o.geo, '') AS geo, o.period_start AS period, o.conversions AS conversions,
       o.revenue AS revenue, o.controls AS controls, o.uid AS observation
