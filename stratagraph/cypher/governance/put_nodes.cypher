// description: create or update __LABEL__ nodes by uid (fixtures, demo and benchmark plans)
// param: rows list -- maps with uid and props
// param: now string -- ISO-8601 UTC time of the write
UNWIND $rows AS r
MERGE (n:__LABEL__ {uid: r.uid})
ON CREATE SET n.created_at = $now
SET n += r.props, n.updated_at = $now
RETURN count(n) AS written
