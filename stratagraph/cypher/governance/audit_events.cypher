// description: audit events in chain order, all or those about one subject
// param: subject string = -- a subject uid; empty for every event
MATCH (e:AuditEvent)
WHERE $subject = '' OR e.subject = $subject
RETURN e.seq AS seq, e.actor AS actor, e.verb AS verb, e.subject AS subject, e.at AS at,
  e.details AS details, e.prev_hash AS prev_hash, e.hash AS hash
ORDER BY seq
