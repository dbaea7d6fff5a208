// description: __LABEL__ nodes whose uid starts with, or whose name contains, the text (case-insensitive on names)
// param: text string -- what to look for
// param: limit int = 20 -- most hits
MATCH (n:__LABEL__)
WHERE n.uid STARTS WITH $text OR toLower(coalesce(n.name, '')) CONTAINS toLower($text)
RETURN n.uid AS uid, n.name AS name, n.created_at AS created_at
ORDER BY uid
LIMIT $limit
