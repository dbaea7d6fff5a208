// description: create __TYPE__ relationships that cannot exist yet (an endpoint is new)
UNWIND $rows AS r
MATCH (a:__FROM__ {uid: r.from})
MATCH (b:__TO__ {uid: r.to})
CREATE (a)-[e:__TYPE__]->(b)
SET e += r.props, e.batch = $batch, e.updated_at = $now
RETURN count(e) AS written
