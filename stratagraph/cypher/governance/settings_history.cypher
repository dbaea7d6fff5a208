// description: every GovernanceSettings version, oldest first
MATCH (s:GovernanceSettings)
RETURN properties(s) AS settings
ORDER BY s.version
