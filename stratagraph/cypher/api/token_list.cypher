// description: every API token (never the hash)
MATCH (t:ApiToken)
RETURN t.uid AS name, t.role AS role, t.actor AS actor, t.prefix AS prefix,
  t.created_by AS created_by, t.created_at AS created_at, coalesce(t.revoked, false) AS revoked,
  t.revoked_at AS revoked_at
ORDER BY name
