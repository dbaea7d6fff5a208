// description: Market uids by code
// param: codes list -- Market codes
MATCH (m:Market)
WHERE m.code IN $codes
RETURN m.code AS code, m.uid AS uid
