// description: the newest audit events about one subject, newest first
// param: subject string -- the subject uid
// param: limit int = 50 -- most events
MATCH (e:AuditEvent)
WHERE e.subject = $subject
RETURN properties(e) AS props
ORDER BY e.seq DESC
LIMIT $limit
