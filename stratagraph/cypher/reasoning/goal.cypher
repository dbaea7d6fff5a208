// description: a goal with its market
MATCH (g:Goal {uid: $goal})
OPTIONAL MATCH (g)-[:IN_MARKET]->(m:Market)
RETURN g{.*} AS goal, m{.*} AS market
