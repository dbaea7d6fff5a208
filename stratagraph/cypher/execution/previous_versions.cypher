// description: the earlier versions a strategy supersedes, newest first
// param: uid string -- the Strategy uid
MATCH p = (:Strategy {uid: $uid})-[:SUPERSEDES*1..50]->(old:Strategy)
RETURN old.uid AS uid, old.version AS version, old.status AS status, length(p) AS distance
ORDER BY distance
