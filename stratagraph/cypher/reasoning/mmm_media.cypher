// description: channel spend of each geo and period of a market's media-mix series
// param: market string -- a Market uid
MATCH (o:KPIObservation)-[:IN_MARKET]->(m:Market {uid: $market})
WHERE o.kind = 'media'
MATCH (o)-[:OF]->(c:Channel)
RETURN coalesce(o.geo, '') AS geo, o.period_start AS period, c.uid AS channel,
       coalesce(o.spend, 0.0) AS spend
