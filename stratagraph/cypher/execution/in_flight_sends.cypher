// description: sends to a contact on a channel not settled yet; in_flight counts those past the gate that may be on their way
// param: contact string -- the Contact uid
// param: channel string -- the Channel uid
MATCH (a:Action)-[:TO_CONTACT]->(:Contact {uid: $contact})
WHERE a.channel_uid = $channel AND a.status IN ['pending', 'claimed', 'gated', 'sending']
RETURN sum(CASE WHEN a.status IN ['gated', 'sending'] THEN 1 ELSE 0 END) AS in_flight,
  collect(DISTINCT a.run_uid) AS runs
