// description: per campaign of a run, what is committed: costs of sent actions plus amounts of actions still in flight
// param: run string -- the Run uid
MATCH (a:Action {run_uid: $run})
WHERE a.kind IN ['spend', 'send']
RETURN a.campaign_uid AS campaign,
  sum(CASE WHEN a.status = 'sent' THEN coalesce(a.cost, 0.0)
      WHEN a.status IN ['pending', 'claimed', 'gated', 'sending'] THEN coalesce(a.amount, 0.0)
      ELSE 0.0 END) AS committed
