// description: the send-time people gate: consent not withdrawn, and (first attempts only) the frequency cap of the contact's local day; one send per contact, channel and day per statement
// param: worker string -- the dispatcher holding the claims
// param: sends list -- {uid, contact, channel, local_day, cap, retry}
// param: bases list -- lawful bases for direct messages
// param: now string -- wall-clock time
UNWIND $sends AS s
MATCH (a:Action {uid: s.uid})
WHERE a.status = 'claimed' AND a.claimed_by = $worker
MATCH (ct:Contact {uid: s.contact})
SET ct.send_lock = coalesce(ct.send_lock, 0) + 1
WITH a, ct, s
OPTIONAL MATCH (ct)-[k:CONSENTS_TO]->(:Channel {uid: s.channel})
WITH a, ct, s, k
WITH a, s, k,
  size([(ct)<-[:TO_CONTACT]-(x:Action) WHERE x.uid <> a.uid AND x.channel_uid = s.channel
    AND x.local_day = s.local_day AND (x.status IN ['gated', 'sending', 'sent']
    OR (coalesce(x.reserved, false) AND x.status IN ['pending', 'claimed'])) | x]) AS today
WITH a, CASE
    WHEN k IS NULL OR NOT k.basis IN $bases THEN 'no_consent'
    WHEN k.opted_out_at IS NOT NULL AND coalesce(k.consented_at, '') <= k.opted_out_at
      THEN 'opted_out'
    WHEN NOT s.retry AND today >= s.cap THEN 'frequency_cap'
    ELSE 'ok' END AS verdict
SET a.status = CASE WHEN verdict = 'ok' THEN 'gated' ELSE 'skipped' END,
    a.error = CASE WHEN verdict = 'ok' THEN null ELSE verdict END,
    a.updated_at = $now
RETURN a.uid AS uid, verdict
