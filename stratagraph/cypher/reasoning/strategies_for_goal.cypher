// description: the latest version of each strategy lineage of a goal, best rank first
MATCH (s:Strategy)-[:FOR_GOAL]->(:Goal {uid: $goal})
WHERE NOT (s)<-[:SUPERSEDES]-(:Strategy)
RETURN s{.*} AS strategy
ORDER BY s.rank, s.uid
