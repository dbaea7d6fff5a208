// description: the newest GovernanceSettings version (no row: built-in defaults apply)
MATCH (s:GovernanceSettings)
RETURN properties(s) AS settings
ORDER BY s.version DESC
LIMIT 1
