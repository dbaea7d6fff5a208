// description: how many people each audience can be reached by on each channel, and on what basis
// param: market string = -- a Market code; empty for every market
// param: channel string = -- a Channel uid; empty for every channel
MATCH (a:Audience)-[r:REACHABLE_VIA]->(c:Channel)
WHERE ($market = '' OR a.market = $market)
  AND ($channel = '' OR c.uid = $channel)
RETURN a.uid AS audience, a.name AS name, a.market AS market, a.size AS size,
       c.uid AS channel, c.kind AS channel_kind, r.basis AS basis, r.reach AS reach,
       CASE WHEN a.size > 0 THEN toFloat(coalesce(r.reach, 0)) / a.size ELSE null END AS share
ORDER BY market, audience, channel
