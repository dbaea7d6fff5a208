// description: create or update __TYPE__ relationships from __FROM__ to __TO__ nodes by uid
// param: rows list -- maps with from, to and props
// param: now string -- ISO-8601 UTC time of the write
UNWIND $rows AS r
MATCH (a:__FROM__ {uid: r.from})
MATCH (b:__TO__ {uid: r.to})
MERGE (a)-[e:__TYPE__]->(b)
SET e += r.props, e.updated_at = $now
RETURN count(e) AS written
