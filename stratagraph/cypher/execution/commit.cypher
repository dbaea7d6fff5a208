// description: reserve the budget of claimed actions and mark them sending, all or nothing: only if reserved + spent + amount stays within every plan item's budget and the run's
// param: run string -- the Run uid
// param: worker string -- the dispatcher holding the claims
// param: actions list -- Action uids
// param: eps float -- rounding tolerance
// param: now string -- wall-clock time
MATCH (r:Run {uid: $run})
SET r.lock_n = coalesce(r.lock_n, 0) + 1
WITH r
MATCH (a:Action)-[:FOR_CAMPAIGN]->(c:Campaign)-[:REALIZES]->(i:PlanItem)
WHERE a.uid IN $actions AND a.claimed_by = $worker AND a.status IN ['claimed', 'gated']
WITH r, c, i, collect(a) AS acts,
  sum(CASE WHEN coalesce(a.reserved, false) THEN 0.0 ELSE coalesce(a.amount, 0.0) END) AS amount
WITH r, collect(c) AS cs, collect(acts) AS actss, collect(amount) AS amounts,
  collect(coalesce(c.reserved, 0.0) + coalesce(c.spend, 0.0) + amount
    <= coalesce(i.budget, 0.0) + $eps OR amount = 0.0) AS fits
WITH r, cs, actss, amounts, fits, reduce(t = 0.0, x IN amounts | t + x) AS total
WITH r, cs, actss, amounts, total, all(f IN fits WHERE f)
  AND (total = 0.0 OR coalesce(r.reserved, 0.0) + coalesce(r.spent, 0.0) + total
    <= coalesce(r.budget, 0.0) + $eps) AS ok
FOREACH (n IN CASE WHEN ok THEN range(0, size(cs) - 1) ELSE [] END |
  FOREACH (c IN [cs[n]] | SET c.reserved = coalesce(c.reserved, 0.0) + amounts[n])
  FOREACH (a IN actss[n] | SET a.reserved = true, a.status = 'sending', a.updated_at = $now))
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  SET r.reserved = coalesce(r.reserved, 0.0) + total)
RETURN ok, total, reduce(t = 0, x IN actss | t + size(x)) AS actions
