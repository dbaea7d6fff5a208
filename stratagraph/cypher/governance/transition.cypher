// description: move a strategy from one status to another (checked by the state machine in code), with its audit event
// param: uid string -- the Strategy uid
// param: status_before string -- the status the writer read (the write is refused if it changed)
// param: status_after string -- the new status
// param: props map -- other strategy properties to set (e.g. submitted_by); may be empty
OPTIONAL MATCH (head:AuditHead {uid: $e_head})
WITH coalesce(head.seq, 0) + 1 = $e_seq AND coalesce(head.hash, $e_genesis) = $e_prev_hash AS chain_ok
MATCH (s:Strategy {uid: $uid})
WITH chain_ok, s, coalesce(s.status, 'draft') = $status_before AS ok
FOREACH (_ IN CASE WHEN chain_ok AND ok THEN [1] ELSE [] END |
  SET s += $props
  FOREACH (__ IN CASE WHEN $status_after <> $status_before THEN [1] ELSE [] END |
    SET s.status = $status_after, s.status_at = $e_at)
  MERGE (h:AuditHead {uid: $e_head})
  SET h.seq = $e_seq, h.hash = $e_hash, h.updated_at = $e_at
  CREATE (:AuditEvent {uid: $e_uid, seq: $e_seq, actor: $e_actor, verb: $e_verb,
    subject: $e_subject, at: $e_at, details: $e_details, prev_hash: $e_prev_hash,
    hash: $e_hash, created_at: $e_at, updated_at: $e_at}))
RETURN chain_ok, ok
