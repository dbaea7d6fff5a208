// description: one lineage step: neighbours of some __LABEL__ nodes along their incoming relationships of the given types, only those that existed at a time, at most $fanout per node and type (with the total); their properties come from lineage/get_nodes, once per node
// param: uids list -- uids of the nodes to expand
// param: types list -- relationship types to follow
// param: at string = -- ISO-8601 UTC time; empty for now
// param: fanout int = 50 -- most neighbours returned per node and relationship type
UNWIND $uids AS u
MATCH (n:__LABEL__ {uid: u})
WITH u, n  // anchor on the uid index: FalkorDB would otherwise scan from m
MATCH (n)<-[r]-(m)
WHERE type(r) IN $types AND ($at = '' OR coalesce(m.created_at, m.at, '') <= $at)
WITH u, type(r) AS t, m, r
ORDER BY m.uid
WITH u, t, collect(m) AS ms, collect(r) AS rs
RETURN u AS uid, t AS type, size(ms) AS total,
  [i IN range(0, size(ms) - 1) WHERE i < $fanout |
    {label: labels(ms[i])[0], uid: ms[i].uid, rel: properties(rs[i])}] AS found
