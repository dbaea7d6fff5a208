// description: a goal with its market
// param: goal string -- a Goal uid
MATCH (g:Goal {uid: $goal})
OPTIONAL MATCH (g)-[:IN_MARKET]->(m:Market)
RETURN g{.*} AS goal, m{.*} AS market
