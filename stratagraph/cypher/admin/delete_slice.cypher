// description: delete up to $limit nodes that have no relationships left
// param: limit int -- nodes per statement
MATCH (n)
WHERE NOT (n)--()
WITH n LIMIT $limit
DELETE n
RETURN count(*) AS deleted
