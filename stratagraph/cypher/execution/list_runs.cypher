// description: every run, newest first, with its strategy and budget figures
MATCH (r:Run)
OPTIONAL MATCH (r)-[:EXECUTES]->(s:Strategy)
RETURN r.uid AS run, r.status AS status, s.uid AS strategy, s.version AS version,
  r.budget AS budget, r.reserved AS reserved, r.spent AS spent, r.clock AS clock,
  r.now AS now, r.first_day AS first_day, r.last_day AS last_day,
  r.closed_through AS closed_through, r.started_at AS started_at,
  r.finished_at AS finished_at, r.reason AS reason
ORDER BY r.started_at DESC, r.uid
