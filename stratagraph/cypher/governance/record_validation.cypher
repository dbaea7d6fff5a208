// description: store a validation report with its violations, move the strategy's status, append the audit event
// param: uid string -- the Strategy uid
// param: status_before string -- the status the validator read (the write is refused if it changed)
// param: status_after string -- the status after this validation
// param: report map -- ValidationReport properties
// param: violations list -- Violation property maps
OPTIONAL MATCH (head:AuditHead {uid: $e_head})
WITH coalesce(head.seq, 0) + 1 = $e_seq AND coalesce(head.hash, $e_genesis) = $e_prev_hash AS chain_ok
MATCH (s:Strategy {uid: $uid})
WITH chain_ok, s, coalesce(s.status, 'draft') = $status_before AS ok
FOREACH (_ IN CASE WHEN chain_ok AND ok THEN [1] ELSE [] END |
  CREATE (r:ValidationReport)
  SET r += $report, r.created_at = $e_at, r.updated_at = $e_at
  CREATE (r)-[:VALIDATES]->(s)
  SET s.content_hash = $report.content_hash
  FOREACH (__ IN CASE WHEN $status_after <> $status_before THEN [1] ELSE [] END |
    SET s.status = $status_after, s.status_at = $e_at)
  FOREACH (v IN $violations |
    CREATE (x:Violation)
    SET x += v, x.created_at = $e_at, x.updated_at = $e_at
    CREATE (r)-[:HAS_VIOLATION]->(x))
  MERGE (h:AuditHead {uid: $e_head})
  SET h.seq = $e_seq, h.hash = $e_hash, h.updated_at = $e_at
  CREATE (:AuditEvent {uid: $e_uid, seq: $e_seq, actor: $e_actor, verb: $e_verb,
    subject: $e_subject, at: $e_at, details: $e_details, prev_hash: $e_prev_hash,
    hash: $e_hash, created_at: $e_at, updated_at: $e_at}))
RETURN chain_ok, ok
