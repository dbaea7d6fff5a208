// description: a page of __LABEL__ nodes in uid order after a cursor, filtered by property values
// param: after string = -- the last uid of the previous page; empty for the first page
// param: where list -- [{name, value}]: properties that must equal these values
// param: limit int = 50 -- page size (+1 to know whether more follow)
MATCH (n:__LABEL__)
WHERE n.uid > $after AND all(f IN $where WHERE properties(n)[f.name] = f.value)
RETURN properties(n) AS props
ORDER BY n.uid
LIMIT $limit
