// description: a new strategy version, as a draft until its items and evidence are written
// param: goal string -- a Goal uid
// param: props map -- the strategy's properties
// param: now string -- ISO time
MATCH (g:Goal {uid: $goal})
CREATE (s:Strategy)
SET s = $props, s.status = 'draft', s.created_at = $now, s.updated_at = $now
CREATE (s)-[:FOR_GOAL]->(g)
RETURN s.uid AS uid
