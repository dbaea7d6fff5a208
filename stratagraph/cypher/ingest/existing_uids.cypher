// description: which of $uids already exist as __LABEL__ nodes
MATCH (n:__LABEL__)
WHERE n.uid IN $uids
RETURN n.uid AS uid
