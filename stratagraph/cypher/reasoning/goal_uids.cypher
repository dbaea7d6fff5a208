// description: every goal
MATCH (g:Goal)
RETURN g.uid AS uid
ORDER BY uid
