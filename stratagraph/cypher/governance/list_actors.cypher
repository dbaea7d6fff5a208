// description: every registered actor with the roles they hold
MATCH (a:Actor)
RETURN properties(a) AS actor
ORDER BY a.uid
