// description: set campaigns' status (e.g. ended after their flight)
// param: campaigns list -- Campaign uids
// param: from list -- statuses they may be in
// param: to string -- the new status
// param: now string -- ISO-8601 UTC time
MATCH (c:Campaign)
WHERE c.uid IN $campaigns AND c.status IN $from
SET c.status = $to, c.updated_at = $now
RETURN count(c) AS campaigns
