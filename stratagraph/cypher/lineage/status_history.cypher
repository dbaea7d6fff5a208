// description: audit events about some subjects (strategies, runs) that record a status change, oldest first
// param: uids list -- subject uids
MATCH (e:AuditEvent)
WHERE e.subject IN $uids
RETURN e.subject AS subject, e.verb AS verb, e.at AS at, e.details AS details, e.seq AS seq
ORDER BY seq
