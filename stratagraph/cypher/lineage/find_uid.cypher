// description: every node with this uid, whatever its label (uids are unique per label), by the uid index of each label (not ApiToken, AuditHead)
// param: uid string -- the uid
MATCH (n:Market {uid: $uid}) RETURN 'Market' AS label, properties(n) AS props
UNION ALL
MATCH (n:DataSource {uid: $uid}) RETURN 'DataSource' AS label, properties(n) AS props
UNION ALL
MATCH (n:IngestBatch {uid: $uid}) RETURN 'IngestBatch' AS label, properties(n) AS props
UNION ALL
MATCH (n:Audience {uid: $uid}) RETURN 'Audience' AS label, properties(n) AS props
UNION ALL
MATCH (n:Signal {uid: $uid}) RETURN 'Signal' AS label, properties(n) AS props
UNION ALL
MATCH (n:Channel {uid: $uid}) RETURN 'Channel' AS label, properties(n) AS props
UNION ALL
MATCH (n:Contact {uid: $uid}) RETURN 'Contact' AS label, properties(n) AS props
UNION ALL
MATCH (n:Asset {uid: $uid}) RETURN 'Asset' AS label, properties(n) AS props
UNION ALL
MATCH (n:Goal {uid: $uid}) RETURN 'Goal' AS label, properties(n) AS props
UNION ALL
MATCH (n:Strategy {uid: $uid}) RETURN 'Strategy' AS label, properties(n) AS props
UNION ALL
MATCH (n:PlanItem {uid: $uid}) RETURN 'PlanItem' AS label, properties(n) AS props
UNION ALL
MATCH (n:ValidationReport {uid: $uid}) RETURN 'ValidationReport' AS label, properties(n) AS props
UNION ALL
MATCH (n:Violation {uid: $uid}) RETURN 'Violation' AS label, properties(n) AS props
UNION ALL
MATCH (n:Approval {uid: $uid}) RETURN 'Approval' AS label, properties(n) AS props
UNION ALL
MATCH (n:Run {uid: $uid}) RETURN 'Run' AS label, properties(n) AS props
UNION ALL
MATCH (n:Action {uid: $uid}) RETURN 'Action' AS label, properties(n) AS props
UNION ALL
MATCH (n:Campaign {uid: $uid}) RETURN 'Campaign' AS label, properties(n) AS props
UNION ALL
MATCH (n:KPIObservation {uid: $uid}) RETURN 'KPIObservation' AS label, properties(n) AS props
UNION ALL
MATCH (n:AuditEvent {uid: $uid}) RETURN 'AuditEvent' AS label, properties(n) AS props
UNION ALL
MATCH (n:Actor {uid: $uid}) RETURN 'Actor' AS label, properties(n) AS props
UNION ALL
MATCH (n:GovernanceSettings {uid: $uid}) RETURN 'GovernanceSettings' AS label, properties(n) AS props
UNION ALL
MATCH (n:KillSwitch {uid: $uid}) RETURN 'KillSwitch' AS label, properties(n) AS props
