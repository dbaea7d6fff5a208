// description: the live API token with this hash
// param: hash string -- HMAC-SHA256 (or SHA-256) of the presented token
MATCH (t:ApiToken {token_hash: $hash})
WHERE coalesce(t.revoked, false) = false
RETURN t.uid AS name, t.role AS role, t.actor AS actor
