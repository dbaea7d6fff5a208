// description: delete up to $limit relationships (dense nodes are emptied a slice at a time, so no statement grows without bound)
// param: limit int -- relationships per statement
MATCH ()-[r]->()
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
