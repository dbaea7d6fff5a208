// description: what the executor needs of a strategy: items with channel, audience, asset, market and dependencies
// param: uid string -- the Strategy uid
MATCH (s:Strategy {uid: $uid})-[:PROPOSES]->(i:PlanItem)
OPTIONAL MATCH (i)-[:ON]->(c:Channel)
OPTIONAL MATCH (i)-[:TARGETS]->(a:Audience)
OPTIONAL MATCH (i)-[:USES]->(x:Asset)
OPTIONAL MATCH (a)-[:IN_MARKET]->(am:Market)
OPTIONAL MATCH (s)-[:FOR_GOAL]->(:Goal)-[:IN_MARKET]->(gm:Market)
RETURN properties(i) AS item, properties(c) AS channel, a.uid AS audience,
  properties(x) AS asset, properties(coalesce(am, gm)) AS market,
  [(i)-[:DEPENDS_ON]->(d:PlanItem) | d.uid] AS depends_on
ORDER BY i.uid
