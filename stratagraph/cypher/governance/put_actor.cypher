// description: register an actor or grant roles, with its audit event
// param: uid string -- the actor's name
// param: props map -- roles, active, added_by
// param: now string -- ISO-8601 UTC time
OPTIONAL MATCH (head:AuditHead {uid: $e_head})
WITH coalesce(head.seq, 0) + 1 = $e_seq AND coalesce(head.hash, $e_genesis) = $e_prev_hash AS chain_ok
FOREACH (_ IN CASE WHEN chain_ok THEN [1] ELSE [] END |
  MERGE (a:Actor {uid: $uid})
  ON CREATE SET a.created_at = $now
  SET a += $props, a.updated_at = $now
  MERGE (h:AuditHead {uid: $e_head})
  SET h.seq = $e_seq, h.hash = $e_hash, h.updated_at = $e_at
  CREATE (:AuditEvent {uid: $e_uid, seq: $e_seq, actor: $e_actor, verb: $e_verb,
    subject: $e_subject, at: $e_at, details: $e_details, prev_hash: $e_prev_hash,
    hash: $e_hash, created_at: $e_at, updated_at: $e_at}))
RETURN chain_ok, true AS ok
