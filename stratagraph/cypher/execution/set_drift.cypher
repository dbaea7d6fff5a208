// description: record a guardrail look at a campaign (once per period end)
// param: campaign string -- the Campaign uid
// param: day string -- the period's last day
// param: periods int -- consecutive periods outside the band
// param: drift string -- what was found ('' when inside the band)
// param: now string -- ISO-8601 UTC time
MATCH (c:Campaign {uid: $campaign})
WHERE coalesce(c.checked_through, '') < $day
SET c.checked_through = $day, c.drift_periods = $periods,
    c.drift = CASE WHEN $drift = '' THEN null ELSE $drift END, c.updated_at = $now
RETURN c.uid AS campaign
