// description: record a contact's opt-out from a channel (sends are refused from this statement on)
// param: contact string -- the Contact uid
// param: channel string -- the Channel uid
// param: at string -- when
MATCH (ct:Contact {uid: $contact})-[k:CONSENTS_TO]->(:Channel {uid: $channel})
SET ct.send_lock = coalesce(ct.send_lock, 0) + 1, k.opted_out_at = $at, k.updated_at = $at
RETURN count(k) AS consents
