// description: a fully written draft becomes proposed, with its content hash
MATCH (s:Strategy {uid: $strategy})
WHERE s.status = 'draft'
SET s.status = 'proposed', s.content_hash = $content_hash, s.updated_at = $now
RETURN s.uid AS uid
