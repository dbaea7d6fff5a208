// description: Market uids by code
MATCH (m:Market)
WHERE m.code IN $codes
RETURN m.code AS code, m.uid AS uid
