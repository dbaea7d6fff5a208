// description: what a campaign was charged per flight day (sent actions), for measurement
// param: campaign string -- the Campaign uid
// param: through string -- last day to include
MATCH (a:Action)-[:FOR_CAMPAIGN]->(:Campaign {uid: $campaign})
WHERE a.status = 'sent' AND a.day IS NOT NULL AND a.day <= $through AND a.kind IN ['spend', 'send']
RETURN a.day AS day, sum(coalesce(a.cost, 0.0)) AS cost,
  sum(CASE WHEN a.kind = 'send' THEN 1 ELSE 0 END) AS messages
ORDER BY day
