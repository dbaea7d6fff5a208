// description: every __LABEL__ node's properties (whole-graph validation, offline only)
MATCH (n:__LABEL__)
RETURN properties(n) AS props
