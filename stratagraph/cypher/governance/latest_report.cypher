// description: the newest validation report of a strategy, with its violations
// param: uid string -- the Strategy uid
MATCH (r:ValidationReport)-[:VALIDATES]->(:Strategy {uid: $uid})
WITH r ORDER BY r.at DESC, r.uid DESC LIMIT 1
RETURN properties(r) AS report, [(r)-[:HAS_VIOLATION]->(v:Violation) | properties(v)] AS violations
