// description: the signals of some audiences, strongest first
// param: audiences list -- Audience uids
MATCH (a:Audience)-[:HAS_SIGNAL]->(s:Signal)
WHERE a.uid IN $audiences
RETURN a.uid AS audience, s.uid AS signal, s.kind AS kind, s.topic AS topic,
       coalesce(s.strength, 0.5) AS strength
ORDER BY audience, strength DESC
