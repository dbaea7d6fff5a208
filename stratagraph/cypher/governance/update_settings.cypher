// description: write the next GovernanceSettings version, superseding the current one, with its audit event
// param: props map -- the new version's properties (uid, version, thresholds...)
// param: previous_uid string -- uid of the version it supersedes ('' for the first)
// param: previous_version int -- the version the writer read as current (0: none)
OPTIONAL MATCH (head:AuditHead {uid: $e_head})
WITH coalesce(head.seq, 0) + 1 = $e_seq AND coalesce(head.hash, $e_genesis) = $e_prev_hash AS chain_ok
OPTIONAL MATCH (s:GovernanceSettings)
WITH chain_ok, coalesce(max(s.version), 0) = $previous_version AS ok
OPTIONAL MATCH (p:GovernanceSettings {uid: $previous_uid})
FOREACH (_ IN CASE WHEN chain_ok AND ok THEN [1] ELSE [] END |
  CREATE (n:GovernanceSettings)
  SET n += $props, n.created_at = $e_at, n.updated_at = $e_at
  FOREACH (__ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | CREATE (n)-[:SUPERSEDES]->(p))
  MERGE (h:AuditHead {uid: $e_head})
  SET h.seq = $e_seq, h.hash = $e_hash, h.updated_at = $e_at
  CREATE (:AuditEvent {uid: $e_uid, seq: $e_seq, actor: $e_actor, verb: $e_verb,
    subject: $e_subject, at: $e_at, details: $e_details, prev_hash: $e_prev_hash,
    hash: $e_hash, created_at: $e_at, updated_at: $e_at}))
RETURN chain_ok, ok
