// description: one __LABEL__ node by uid, as it was written (with its creation time)
// param: uid string -- the uid
MATCH (n:__LABEL__ {uid: $uid})
RETURN properties(n) AS props
