// description: the properties of some __LABEL__ nodes, by uid
// param: uids list -- the uids
UNWIND $uids AS u
MATCH (n:__LABEL__ {uid: u})
RETURN properties(n) AS props
