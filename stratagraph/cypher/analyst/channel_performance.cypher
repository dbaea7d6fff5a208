// description: spend and results per channel, geo (market) and period, from campaign and media observations; amounts are in each geo's currency
// param: channel string = -- a Channel uid; empty for every channel
// param: geo string = -- a geo or market code; empty for every one
// param: since date = -- first period start to include (YYYY-MM-DD); empty for all
// param: until date = -- last period start to include (YYYY-MM-DD); empty for all
// param: granularity string = week -- week, month or total
MATCH (o:KPIObservation)-[:OF]->()-[:RUNS_ON*0..1]->(ch:Channel)
WHERE o.kind IN ['campaign', 'media']
  AND ($channel = '' OR ch.uid = $channel)
  AND ($geo = '' OR o.geo = $geo)
  AND ($since = '' OR o.period_start >= $since)
  AND ($until = '' OR o.period_start <= $until)
WITH ch,
     coalesce(o.geo, '') AS geo,
     CASE $granularity
       WHEN 'month' THEN substring(o.period_start, 0, 7)
       WHEN 'total' THEN 'total'
       ELSE o.period_start
     END AS period,
     o
WITH ch.uid AS channel, ch.kind AS kind, geo, period,
     sum(coalesce(o.spend, 0.0)) AS spend,
     sum(coalesce(o.impressions, 0.0)) AS impressions,
     sum(coalesce(o.clicks, 0.0)) AS clicks,
     sum(coalesce(o.conversions, 0.0)) AS conversions,
     sum(coalesce(o.revenue, 0.0)) AS revenue,
     count(o) AS observations
RETURN channel, kind, geo, period, spend, impressions, clicks, conversions, revenue,
       CASE WHEN spend > 0 THEN revenue / spend ELSE null END AS roas,
       CASE WHEN conversions > 0 THEN spend / conversions ELSE null END AS cpa,
       observations
ORDER BY channel, geo, period
