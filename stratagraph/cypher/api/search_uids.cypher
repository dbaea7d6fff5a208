// description: __LABEL__ nodes whose uid starts with the text
// param: text string -- the beginning of a uid
// param: limit int = 20 -- most hits
MATCH (n:__LABEL__)
WHERE n.uid STARTS WITH $text
RETURN n.uid AS uid, n.created_at AS created_at
ORDER BY uid
LIMIT $limit
