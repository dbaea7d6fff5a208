// description: store a new API token by name (only its hash); refuses a name in use
// param: uid string -- the token's name
// param: props map -- token_hash, role, actor, prefix, created_by
// param: now string -- ISO-8601 UTC time
OPTIONAL MATCH (old:ApiToken {uid: $uid})
WITH old
WHERE old IS NULL
CREATE (t:ApiToken {uid: $uid})
SET t += $props, t.revoked = false, t.created_at = $now, t.updated_at = $now
RETURN t.uid AS uid
