// description: write a slice of __TYPE__ relationships from __FROM__ to __TO__ nodes
UNWIND $rows AS r
MATCH (a:__FROM__ {uid: r.from})
MATCH (b:__TO__ {uid: r.to})
MERGE (a)-[e:__TYPE__]->(b)
SET e += r.props, e.batch = $batch, e.updated_at = $now
RETURN count(e) AS written
