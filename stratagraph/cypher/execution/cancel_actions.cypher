// description: cancel a run's actions that no channel has seen yet (pending, claimed, gated), releasing their reservations
// param: run string -- the Run uid
// param: campaign string = -- only this campaign ('' for all)
// param: contact string = -- only sends to this contact ('' for all)
// param: channel string = -- only this channel ('' for all)
// param: keep list -- action kinds to leave alone (e.g. pause)
// param: reason string -- stored as the actions' error
// param: now string -- ISO-8601 UTC time
MATCH (r:Run {uid: $run})
SET r.lock_n = coalesce(r.lock_n, 0) + 1
WITH r
MATCH (a:Action {run_uid: $run})-[:FOR_CAMPAIGN]->(c:Campaign)
WHERE a.status IN ['pending', 'claimed', 'gated'] AND NOT a.kind IN $keep
  AND ($campaign = '' OR c.uid = $campaign)
  AND ($contact = '' OR a.contact_uid = $contact)
  AND ($channel = '' OR a.channel_uid = $channel)
WITH r, c, collect(a) AS acts,
  sum(CASE WHEN coalesce(a.reserved, false) THEN coalesce(a.amount, 0.0) ELSE 0.0 END) AS released
FOREACH (a IN acts | SET a.status = 'cancelled', a.error = $reason, a.reserved = false,
  a.updated_at = $now)
SET c.reserved = coalesce(c.reserved, 0.0) - released
WITH r, sum(released) AS released, sum(size(acts)) AS cancelled
SET r.reserved = coalesce(r.reserved, 0.0) - released
RETURN cancelled, released
