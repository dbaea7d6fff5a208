// description: revoke an API token by name (idempotent)
// param: uid string -- the token's name
// param: now string -- ISO-8601 UTC time
MATCH (t:ApiToken {uid: $uid})
SET t.revoked = true, t.revoked_at = coalesce(t.revoked_at, $now), t.updated_at = $now
RETURN t.uid AS uid
