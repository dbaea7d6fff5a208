// description: what adapters need about the channels, contacts and assets of claimed actions
// param: channels list -- Channel uids
// param: contacts list -- Contact uids
// param: campaigns list -- Campaign uids
MATCH (ch:Channel) WHERE ch.uid IN $channels
RETURN 'channel' AS kind, ch.uid AS uid, properties(ch) AS props
UNION ALL
MATCH (ct:Contact) WHERE ct.uid IN $contacts
RETURN 'contact' AS kind, ct.uid AS uid, properties(ct) AS props
UNION ALL
MATCH (c:Campaign)-[:USES]->(x:Asset) WHERE c.uid IN $campaigns
RETURN 'asset' AS kind, c.uid AS uid, properties(x) AS props
UNION ALL
MATCH (c:Campaign)-[:TARGETS]->(a:Audience) WHERE c.uid IN $campaigns
RETURN 'audience' AS kind, c.uid AS uid, properties(a) AS props
UNION ALL
MATCH (c:Campaign)-[:REALIZES]->(i:PlanItem) WHERE c.uid IN $campaigns
RETURN 'plan' AS kind, c.uid AS uid, properties(i) AS props
