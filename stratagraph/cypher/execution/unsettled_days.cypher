// description: flight days that still have actions in flight (not sent, skipped, failed or cancelled), split into measure actions and the rest
// param: run string -- the Run uid
MATCH (a:Action {run_uid: $run})
WHERE a.status IN ['pending', 'claimed', 'gated', 'sending'] AND a.day IS NOT NULL
RETURN a.day AS day, a.kind = 'measure' AS measure, count(a) AS actions
ORDER BY day
