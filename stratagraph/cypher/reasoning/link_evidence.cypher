// description: DERIVED_FROM edges from a strategy to the __LABEL__ nodes it rests on
// param: strategy string -- a Strategy uid
// param: uids list -- uids of __LABEL__ nodes
// param: role string -- what the evidence is for
MATCH (s:Strategy {uid: $strategy})
UNWIND $uids AS uid
MATCH (n:__LABEL__ {uid: uid})
MERGE (s)-[e:DERIVED_FROM]->(n)
SET e.role = $role
RETURN count(e) AS written
