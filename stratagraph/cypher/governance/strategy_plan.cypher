// description: a strategy with its goal, market, plan items, their links (as uid pairs) and approvals
// param: uid string -- the Strategy uid
// Every pattern comprehension uses its own variable names: FalkorDB 4.16 returns empty
// lists for a later comprehension that reuses a name bound in an earlier one.
MATCH (s:Strategy {uid: $uid})
RETURN properties(s) AS strategy,
  [(s)-[:FOR_GOAL]->(g1:Goal) | properties(g1)] AS goals,
  [(s)-[:FOR_GOAL]->(g2:Goal)-[:IN_MARKET]->(m2:Market) | {goal: g2.uid, market: properties(m2)}] AS goal_markets,
  [(s)-[:PROPOSES]->(i3:PlanItem) | properties(i3)] AS items,
  [(s)-[:PROPOSES]->(i4:PlanItem)-[:TARGETS]->(a4:Audience) | [i4.uid, a4.uid]] AS targets,
  [(s)-[:PROPOSES]->(i5:PlanItem)-[:ON]->(c5:Channel) | [i5.uid, c5.uid]] AS ons,
  [(s)-[:PROPOSES]->(i6:PlanItem)-[:USES]->(x6:Asset) | [i6.uid, x6.uid]] AS uses,
  [(s)-[:PROPOSES]->(i7:PlanItem)-[:DEPENDS_ON]->(d7:PlanItem) | [i7.uid, d7.uid]] AS depends,
  [(p8:Approval)-[:APPROVES]->(s) | properties(p8)] AS approvals
