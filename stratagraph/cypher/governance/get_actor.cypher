// description: one registered actor
// param: uid string -- the actor's name
MATCH (a:Actor {uid: $uid})
RETURN properties(a) AS actor
