// description: the audiences, channels and assets a strategy's items point to, once each, with their links
// param: uid string -- the Strategy uid
MATCH (:Strategy {uid: $uid})-[:PROPOSES]->(:PlanItem)-[:TARGETS]->(a:Audience)
WITH DISTINCT a
RETURN 'Audience' AS label, properties(a) AS props,
  [(a)-[:IN_MARKET]->(m:Market) | m.uid] AS markets, [] AS channels
UNION ALL
MATCH (:Strategy {uid: $uid})-[:PROPOSES]->(:PlanItem)-[:ON]->(c:Channel)
WITH DISTINCT c
RETURN 'Channel' AS label, properties(c) AS props, [] AS markets, [] AS channels
UNION ALL
MATCH (:Strategy {uid: $uid})-[:PROPOSES]->(:PlanItem)-[:USES]->(x:Asset)
WITH DISTINCT x
RETURN 'Asset' AS label, properties(x) AS props,
  [(x)-[:LOCALIZED_FOR]->(m:Market) | m.uid] AS markets,
  [(x)-[:FITS]->(c:Channel) | c.uid] AS channels
