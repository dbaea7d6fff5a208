// description: record the content hash of a fully written draft (governance then moves it to proposed)
// param: strategy string -- a Strategy uid
// param: content_hash string -- sha256 of its content
// param: now string -- ISO time
MATCH (s:Strategy {uid: $strategy})
WHERE s.status = 'draft'
SET s.content_hash = $content_hash, s.updated_at = $now
RETURN s.uid AS uid
