// description: a page of the nodes that point to a __LABEL__ along __TYPE__, in uid order after a cursor, with the relationship's properties
// param: uid string -- the __LABEL__ uid
// param: after string = -- the last uid of the previous page; empty for the first page
// param: limit int = 50 -- page size (+1 to know whether more follow)
MATCH (n:__LABEL__ {uid: $uid})
WITH n
MATCH (n)<-[r:__TYPE__]-(m)
WHERE m.uid > $after
RETURN labels(m)[0] AS label, properties(m) AS props, properties(r) AS rel
ORDER BY m.uid
LIMIT $limit
