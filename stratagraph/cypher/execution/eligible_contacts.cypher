// description: contacts of an audience who consent to a channel on a message basis and have not opted out (planning; the send-time gate checks again)
// param: audience string -- the Audience uid
// param: channel string -- the Channel uid
// param: bases list -- lawful bases for direct messages
MATCH (ct:Contact)-[:MEMBER_OF]->(:Audience {uid: $audience})
MATCH (ct)-[k:CONSENTS_TO]->(:Channel {uid: $channel})
WHERE k.basis IN $bases
  AND (k.opted_out_at IS NULL OR coalesce(k.consented_at, '') > k.opted_out_at)
RETURN DISTINCT ct.uid AS uid, ct.timezone AS timezone
ORDER BY uid
