// description: markets with a media-mix series, and how many outcome periods each has
MATCH (o:KPIObservation)-[:OF]->(m:Market)
WHERE o.kind = 'outcome'
RETURN m.uid AS market, count(o) AS outcomes
ORDER BY market
