// description: the plan items of a draft strategy, with what each targets, runs on and uses
// param: strategy string -- a Strategy uid
// param: items list -- {audience, channel, asset, props} per item
// param: now string -- ISO time
MATCH (s:Strategy {uid: $strategy})
UNWIND $items AS it
MATCH (a:Audience {uid: it.audience})
MATCH (c:Channel {uid: it.channel})
MATCH (x:Asset {uid: it.asset})
CREATE (p:PlanItem)
SET p = it.props, p.created_at = $now, p.updated_at = $now
CREATE (s)-[:PROPOSES]->(p)
CREATE (p)-[:TARGETS]->(a)
CREATE (p)-[:ON]->(c)
CREATE (p)-[:USES]->(x)
RETURN count(p) AS written
