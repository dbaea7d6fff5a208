// description: the themes of the variants of some assets
// param: assets list -- Asset uids
MATCH (v:Asset)-[:VARIANT_OF]-(s:Asset)
WHERE s.uid IN $assets
RETURN s.uid AS asset, v.uid AS variant, v.themes AS themes
