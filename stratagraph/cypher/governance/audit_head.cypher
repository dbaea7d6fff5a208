// description: the tip of the audit chain (null seq when nothing was recorded) and whether any event exists
// param: head string = audit-head -- uid of the AuditHead node
OPTIONAL MATCH (h:AuditHead {uid: $head})
WITH h
OPTIONAL MATCH (e:AuditEvent)
WITH h, e
LIMIT 1
RETURN h.seq AS seq, h.hash AS hash, e.seq AS any_seq
