// description: every __TYPE__ relationship from __FROM__ to __TO__ nodes (whole-graph validation, offline only)
MATCH (a:__FROM__)-[r:__TYPE__]->(b:__TO__)
RETURN a.uid AS a, b.uid AS b, properties(r) AS props
