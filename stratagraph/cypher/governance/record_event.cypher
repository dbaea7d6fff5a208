// description: append one event to the audit chain if its head is still where the writer read it
// param: e_seq int -- the new event's seq (head seq + 1); e_uid, e_hash, e_prev_hash ... the event
// The lines from "OPTIONAL MATCH (head" to "AS chain_ok" and the FOREACH that moves the head
// are the audit fragment every audited statement repeats (see governance/audit.py).
OPTIONAL MATCH (head:AuditHead {uid: $e_head})
WITH coalesce(head.seq, 0) + 1 = $e_seq AND coalesce(head.hash, $e_genesis) = $e_prev_hash AS chain_ok
FOREACH (_ IN CASE WHEN chain_ok THEN [1] ELSE [] END |
  MERGE (h:AuditHead {uid: $e_head})
  SET h.seq = $e_seq, h.hash = $e_hash, h.updated_at = $e_at
  CREATE (:AuditEvent {uid: $e_uid, seq: $e_seq, actor: $e_actor, verb: $e_verb,
    subject: $e_subject, at: $e_at, details: $e_details, prev_hash: $e_prev_hash,
    hash: $e_hash, created_at: $e_at, updated_at: $e_at}))
RETURN chain_ok, true AS ok
