// description: the latest version of each strategy lineage of a goal, best rank first
// param: goal string -- a Goal uid
MATCH (s:Strategy)-[:FOR_GOAL]->(:Goal {uid: $goal})
WHERE NOT (s)<-[:SUPERSEDES]-(:Strategy)
RETURN s{.*} AS strategy
ORDER BY s.rank, s.uid
