// description: every lawful tactic for a goal: an audience of the goal's market, reachable on a channel with a valid consent basis, with an asset that fits the channel, matches the market's locale, is brand-approved, the latest version and unexpired through the window
// (the lawful creatives are gathered once per channel, then joined to the audiences: matching them again for every audience x channel pair took twice as long; audiences are walked from the goal's market, since starting from assets made FalkorDB scan the market's dense IN_MARKET edges once per row: 574 s instead of 0.17 s on the large twin)
// param: goal string -- a Goal uid
// param: min_audience_size int -- smallest audience
// param: lawful_bases list -- consent bases that allow targeting
// param: message_kinds list -- channel kinds that send messages
// param: message_bases list -- bases that allow messages
// param: window_end string -- end of the goal window (ISO time)
// param: excluded_channels list -- Channel uids left out
MATCH (g:Goal {uid: $goal})-[:IN_MARKET]->(m:Market)
OPTIONAL MATCH (s:Asset)-[:LOCALIZED_FOR]->(m)
WHERE s.brand_approved = true
  AND s.locale = m.locale
  AND (s.expires_at IS NULL OR s.expires_at > $window_end)
  AND NOT (s)<-[:SUPERSEDES]-(:Asset)
OPTIONAL MATCH (s)-[:FITS]->(fit:Channel)
WITH g, m, fit, s
ORDER BY s.uid
// (collect() skips nulls: every collected value is coalesced so the lists stay aligned)
WITH g, m, fit.uid AS fit, collect(s.uid) AS assets, collect(coalesce(s.kind, '')) AS asset_kinds,
     collect(coalesce(s.themes, [])) AS asset_themes
WITH g, m, collect({channel: fit, assets: assets, kinds: asset_kinds, themes: asset_themes}) AS creative
MATCH (a:Audience)-[:IN_MARKET]->(m)
WHERE a.size >= $min_audience_size
WITH g, m, a, creative
MATCH (a)-[r:REACHABLE_VIA]->(c:Channel)
WHERE r.basis IN $lawful_bases
  AND (NOT c.kind IN $message_kinds OR r.basis IN $message_bases)
  AND (r.valid_until IS NULL OR r.valid_until >= $window_end)
  AND NOT c.uid IN $excluded_channels
WITH g, m, a, r, c, [x IN creative WHERE x.channel = c.uid] AS fitting
WHERE size(fitting) > 0
RETURN a.uid AS audience, a.name AS audience_name, a.size AS audience_size,
       c.uid AS channel, c.kind AS channel_kind, r.basis AS basis, r.reach AS reach,
       fitting[0].assets AS assets, fitting[0].kinds AS asset_kinds,
       fitting[0].themes AS asset_themes,
       [g.uid, m.uid, a.uid, c.uid] AS path,
       ['IN_MARKET', 'IN_MARKET', 'REACHABLE_VIA'] AS path_types
ORDER BY audience, channel
