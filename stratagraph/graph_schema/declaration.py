"""The marketing graph, declared once.

Constraints and indexes per engine, ingest row models, the RDF mapping used by SHACL and
the GraphQL types are all derived from this module; nothing else lists labels or properties.
"""

from __future__ import annotations

from .types import GraphSchema, NodeType, Prop, RelType
from .types import PropType as T

CHANNEL_KINDS = (
    "email",
    "sms",
    "push",
    "paid_social",
    "search",
    "display",
    "video",
    "tv",
    "audio",
    "affiliate",
    "webhook",
    "other",
)
MESSAGE_CHANNEL_KINDS = ("email", "sms", "push")
CONSENT_BASES = ("consent", "legitimate_interest", "contract", "none")
STRATEGY_STATUSES = (
    "draft",
    "proposed",
    "validated",
    "approved",
    "rejected",
    "running",
    "paused",
    "completed",
    "rolled_back",
    "superseded",
)


def _money(name: str, doc: str = "") -> Prop:
    return Prop(name, T.FLOAT, minimum=0.0, doc=doc)


_name = Prop("name", max_length=300)
_forecast = tuple(
    Prop(f"{metric}_{q}", T.FLOAT, doc=f"forecast {metric}, {q}")
    for metric in ("conversions", "revenue", "roi", "reach", "spend")
    for q in ("p10", "p50", "p90")
)

MARKET = NodeType(
    "Market",
    "A country or region the brand sells in.",
    (
        Prop("code", required=True, indexed=True, max_length=64),
        _name,
        Prop("currency", required=True, max_length=3, doc="ISO-4217 code"),
        Prop("locale", required=True, max_length=20, doc="BCP-47 tag, e.g. de-DE"),
        Prop("timezone", required=True, max_length=64, doc="IANA zone, e.g. Europe/Berlin"),
        _money("spend_cap", "most the brand may spend in this market per day"),
        Prop(
            "units_per_usd",
            T.FLOAT,
            minimum=0.0,
            doc="units of the market's currency per US dollar, to compare amounts across "
            "markets and with channel limits (default 1)",
        ),
    ),
)
DATA_SOURCE = NodeType(
    "DataSource",
    "Where ingested rows came from (a file name or a named feed).",
    (_name, Prop("kind", max_length=40), Prop("location", max_length=1000)),
    ingestable=False,
)
INGEST_BATCH = NodeType(
    "IngestBatch",
    "One load of one input. Identical content maps to the same batch, so re-ingesting is a no-op.",
    (
        Prop("file_name", max_length=1000),
        Prop("format", max_length=20),
        Prop("type_name", max_length=60, doc="node label or relationship type loaded"),
        Prop("checksum", max_length=80, doc="sha256 of the input bytes"),
        Prop("status", choices=("started", "complete", "failed")),
        Prop("rows_read", T.INT),
        Prop("rows_written", T.INT),
        Prop("rows_rejected", T.INT),
        Prop("nodes_written", T.INT),
        Prop("relationships_written", T.INT),
        Prop("first_ingested_at", T.DATETIME),
        Prop("last_ingested_at", T.DATETIME),
        Prop("times_ingested", T.INT),
    ),
    ingestable=False,
)
AUDIENCE = NodeType(
    "Audience",
    "A segment of people the brand can address.",
    (
        _name,
        Prop("size", T.INT, required=True, minimum=0),
        Prop("market", required=True, max_length=64, doc="Market code"),
        Prop("pii_free", T.BOOL, doc="true when the segment holds no personal data"),
        Prop("description", max_length=2000),
    ),
)
SIGNAL = NodeType(
    "Signal",
    "Something observed about an audience: intent, affinity, churn risk...",
    (
        Prop(
            "kind",
            required=True,
            choices=("intent", "affinity", "churn", "engagement", "lifecycle", "price"),
        ),
        Prop("topic", required=True, max_length=100, doc="theme the signal is about"),
        Prop("strength", T.FLOAT, minimum=0.0, maximum=1.0),
        Prop("observed_at", T.DATETIME),
    ),
)
CHANNEL = NodeType(
    "Channel",
    "Where the brand buys media or sends messages.",
    (
        _name,
        Prop("kind", required=True, choices=CHANNEL_KINDS),
        Prop("cost_model", choices=("cpm", "cpc", "cpa", "per_message", "flat")),
        Prop("currency", max_length=3, doc="currency of unit_cost and the daily limits (USD)"),
        _money("unit_cost"),
        _money("min_daily_budget"),
        _money("max_daily_budget"),
        Prop("frequency_cap", T.INT, minimum=0, doc="most messages per contact per local day"),
        Prop("quiet_hours_start", T.INT, minimum=0, maximum=23, doc="local hour sends stop"),
        Prop("quiet_hours_end", T.INT, minimum=0, maximum=23, doc="local hour sends resume"),
        Prop("adapter", max_length=40, doc="execution adapter: simulator, smtp, webhook"),
        Prop("endpoint", max_length=1000, doc="adapter address, e.g. webhook URL or SMTP host"),
    ),
)
CONTACT = NodeType(
    "Contact",
    "A person who may receive messages, with consent kept per channel.",
    (
        Prop("email", pii=True, max_length=320),
        Prop("phone", pii=True, max_length=40),
        Prop("name", pii=True, max_length=300),
        Prop("timezone", required=True, max_length=64),
        Prop("locale", max_length=20),
        Prop("market", max_length=64),
        Prop(
            "send_lock",
            T.INT,
            doc="bumped by the executor before it counts a contact's sends (a write lock)",
        ),
    ),
)
ASSET = NodeType(
    "Asset",
    "A creative: copy, image, video, email template or landing page.",
    (
        _name,
        Prop(
            "kind",
            required=True,
            choices=("copy", "image", "video", "email_template", "landing_page", "audio"),
        ),
        Prop("format", max_length=40),
        Prop("locale", required=True, max_length=20),
        Prop("themes", T.STRING_LIST, doc="theme tags, '|' separated in CSV"),
        Prop("brand_approved", T.BOOL, required=True),
        Prop("expires_at", T.DATETIME),
        Prop("version", T.INT, minimum=1),
        Prop("subject", max_length=500),
        Prop("body", max_length=20000),
    ),
    versioned=True,
)
GOAL = NodeType(
    "Goal",
    "What the brand wants: a KPI target with a budget, a window and a market.",
    (
        _name,
        Prop("kpi", required=True, choices=("conversions", "revenue", "reach", "roi")),
        Prop("target", T.FLOAT, minimum=0.0),
        Prop("budget", T.FLOAT, required=True, minimum=0.0),
        Prop("window_start", T.DATE, required=True),
        Prop("window_end", T.DATE, required=True),
        Prop("market", required=True, max_length=64),
        Prop("constraints", T.JSON, doc="per-channel min/max, audience size, frequency caps"),
    ),
)
STRATEGY = NodeType(
    "Strategy",
    "One ranked option for a goal: plan items, forecasts, risk and rationale.",
    (
        _name,
        Prop("version", T.INT, minimum=1),
        Prop("lineage_key", indexed=True, max_length=200, doc="same across versions"),
        Prop("status", required=True, choices=STRATEGY_STATUSES, indexed=True),
        Prop("objective", max_length=60),
        Prop("rank", T.INT),
        _money("spend"),
        *_forecast,
        Prop("risk_score", T.FLOAT, minimum=0.0, maximum=100.0),
        Prop("risk_factor_names", T.STRING_LIST),
        Prop("risk_factor_values", T.FLOAT_LIST),
        Prop("rationale", max_length=20000),
        Prop("content_hash", max_length=80),
        Prop("maker", max_length=200),
        Prop("seed", T.INT),
        Prop("scenario", max_length=2000),
        Prop("submitted_by", max_length=200, doc="actor who submitted it for approval"),
        Prop("status_at", T.DATETIME, doc="when the status last changed"),
    ),
    ingestable=False,
    versioned=True,
)
PLAN_ITEM = NodeType(
    "PlanItem",
    "One tactic of a strategy: audience x channel x asset with a budget and a flight.",
    (
        Prop("budget", T.FLOAT, required=True, minimum=0.0),
        Prop("start", T.DATE),
        Prop("end", T.DATE),
        Prop("pacing", choices=("even", "front_loaded", "back_loaded")),
        _money("daily_budget"),
        Prop("frequency_cap", T.INT, minimum=0),
        Prop("brief", max_length=20000),
        *_forecast,
        # week by week, so live results are judged against their own week (a campaign
        # ramps up through adstock: its first weeks fall short of the window's average)
        Prop("weekly_start", T.DATE, doc="Monday of the first week of the weekly forecast"),
        Prop("weekly_spend", T.FLOAT_LIST, doc="planned spend per week"),
        *(
            Prop(f"weekly_{metric}_{q}", T.FLOAT_LIST, doc=f"predictive {q} of weekly {metric}")
            for metric in ("conversions", "revenue")
            for q in ("p10", "p50", "p90")
        ),
    ),
    ingestable=False,
)
VALIDATION_REPORT = NodeType(
    "ValidationReport",
    "The result of validating one strategy against the SHACL shapes.",
    (
        Prop("conforms", T.BOOL, required=True),
        Prop("shapes_version", max_length=80),
        Prop("settings_version", max_length=80),
        Prop("content_hash", max_length=80),
        Prop("violation_count", T.INT),
        Prop("at", T.DATETIME),
        Prop("strategy_uid", max_length=200),
        Prop("warning_count", T.INT, doc="results of severity Warning or Info (do not block)"),
        Prop("engine", max_length=40, doc="SHACL engine: pyshacl or pyshacl-turbo"),
        Prop("triples", T.INT, doc="size of the projected RDF graph"),
        Prop("seconds", T.FLOAT, doc="projection and validation time"),
        Prop("actor", max_length=200),
    ),
    ingestable=False,
)
VIOLATION = NodeType(
    "Violation",
    "One SHACL result: which shape, on which node, which path, and how to fix it.",
    (
        Prop("shape", max_length=300),
        Prop("focus", max_length=300),
        Prop("path", max_length=300),
        Prop("message", max_length=2000),
        Prop("severity", choices=("Violation", "Warning", "Info")),
        Prop("value", max_length=2000),
        Prop("focus_label", max_length=60, doc="label (or relationship type) of the focus"),
        Prop("constraint", max_length=300, doc="SHACL constraint component"),
        Prop("seq", T.INT, doc="position in the report"),
    ),
    ingestable=False,
)
APPROVAL = NodeType(
    "Approval",
    "A decision on a strategy, bound to the content hash it saw.",
    (
        Prop("decision", required=True, choices=("approved", "rejected")),
        Prop("actor", required=True, max_length=200),
        Prop("role", max_length=40),
        Prop("reason", max_length=2000),
        Prop("at", T.DATETIME),
        Prop("plan_hash", max_length=80),
        Prop("automatic", T.BOOL),
        Prop("thresholds", T.JSON),
        Prop("strategy_uid", max_length=200),
        Prop("settings_version", max_length=80),
    ),
    ingestable=False,
)
RUN = NodeType(
    "Run",
    "One execution of an approved strategy.",
    (
        Prop("status", required=True, indexed=True, max_length=30),
        Prop("strategy_uid", max_length=200),
        _money("budget"),
        _money("reserved"),
        _money("spent"),
        Prop("started_at", T.DATETIME),
        Prop("finished_at", T.DATETIME),
        Prop("content_hash", max_length=80, doc="content hash of the strategy when it started"),
        Prop(
            "clock",
            choices=("simulated", "real"),
            doc="simulated: the run's own clock walks the flights as fast as the channels "
            "answer; real: wall-clock time",
        ),
        Prop("now", T.DATETIME, doc="the run's clock (simulated runs)"),
        Prop("first_day", T.DATE, doc="first flight day of the plan"),
        Prop("last_day", T.DATE, doc="last flight day of the plan"),
        Prop("opened_through", T.DATE, doc="last flight day whose actions are in the outbox"),
        Prop("closed_through", T.DATE, doc="last flight day whose results were measured"),
        Prop("market_timezone", max_length=64),
        Prop("kill_switch", T.BOOL, doc="per-run kill switch: no new channel calls"),
        Prop("reason", max_length=2000, doc="why the run was paused, stopped or rolled back"),
        Prop("seed", T.INT, doc="seed of the simulator's draws"),
        Prop("executor", max_length=200, doc="host:pid of the process driving the run"),
        Prop("executor_until", T.DATETIME, doc="lease of that process"),
        Prop("actor", max_length=200, doc="who started the run"),
        Prop("lock_n", T.INT, doc="bumped first by every budget statement (a write lock)"),
    ),
    ingestable=False,
)
ACTION = NodeType(
    "Action",
    "One channel effect in the outbox, deduplicated by its idempotency key.",
    (
        Prop("idempotency_key", required=True, indexed=True, max_length=128),
        Prop("kind", required=True, max_length=40),
        Prop("status", required=True, indexed=True, max_length=30),
        _money("amount"),
        Prop("attempts", T.INT),
        Prop("scheduled_for", T.DATETIME),
        Prop("sent_at", T.DATETIME),
        Prop("contact_uid", max_length=200),
        Prop("error", max_length=2000),
        Prop("run_uid", indexed=True, max_length=200),
        Prop("campaign_uid", max_length=200),
        Prop("plan_item_uid", max_length=200),
        Prop("channel_uid", max_length=200),
        Prop("step", max_length=300, doc="what the action does within its plan item"),
        Prop("day", T.DATE, doc="flight day the action belongs to"),
        Prop("local_day", T.DATE, doc="the contact's local calendar day of a send"),
        Prop("reserved", T.BOOL, doc="its amount is reserved against the budgets"),
        _money("cost", "what the channel charged"),
        Prop("claimed_by", max_length=200),
        Prop("lease_until", T.DATETIME),
        Prop("result", T.JSON, doc="what the channel answered"),
        Prop("seq", T.INT, doc="order of dispatch within the run"),
    ),
    ingestable=False,
)
CAMPAIGN = NodeType(
    "Campaign",
    "Media or messages actually run on a channel (historical or realising a plan item).",
    (
        _name,
        Prop("channel", max_length=200, doc="Channel uid"),
        Prop("status", max_length=30),
        _money("budget"),
        _money("spend"),
        Prop("start", T.DATE),
        Prop("end", T.DATE),
        _money("reserved", "spend reserved by the executor and not yet charged"),
        Prop("run_uid", max_length=200, doc="the Run that created it"),
        Prop("plan_item_uid", max_length=200),
        Prop("reason", max_length=2000, doc="why it was paused (e.g. a guardrail)"),
        Prop("drift", max_length=2000, doc="latest guardrail finding, e.g. roi below p10"),
        Prop("drift_periods", T.INT, doc="consecutive periods outside the forecast band"),
        Prop("checked_through", T.DATE, doc="last day the guardrail looked at"),
    ),
)
KPI_OBSERVATION = NodeType(
    "KPIObservation",
    "Measured results for one period of a campaign, channel or market.",
    (
        Prop(
            "kind",
            required=True,
            choices=("campaign", "media", "outcome"),
            doc="campaign: a campaign's results; media: channel spend in a wide media-mix "
            "series; outcome: the KPI of a market and period in that series",
        ),
        Prop("period_start", T.DATE, required=True, indexed=True),
        Prop("period_end", T.DATE, required=True),
        Prop("geo", max_length=100),
        _money("spend"),
        Prop("impressions", T.FLOAT, minimum=0.0),
        Prop("clicks", T.FLOAT, minimum=0.0),
        Prop("conversions", T.FLOAT),
        Prop("revenue", T.FLOAT),
        Prop("reach", T.FLOAT, minimum=0.0),
        Prop("controls", T.JSON, doc="named control variables of an outcome row"),
    ),
)
AUDIT_EVENT = NodeType(
    "AuditEvent",
    "One link of the tamper-evident audit chain.",
    (
        Prop("seq", T.INT, required=True, indexed=True),
        Prop("actor", max_length=200),
        Prop("verb", max_length=60),
        Prop("subject", max_length=200),
        Prop("at", T.DATETIME),
        Prop("details", T.JSON),
        Prop("prev_hash", max_length=80),
        Prop("hash", max_length=80),
    ),
    ingestable=False,
)

ACTOR = NodeType(
    "Actor",
    "A person (or service) who may make, approve or reject strategies; uid is the name.",
    (
        _name,
        Prop("roles", T.STRING_LIST, doc="approval roles held, e.g. finance, marketing"),
        Prop("active", T.BOOL),
        Prop("added_by", max_length=200),
    ),
    ingestable=False,
)
GOVERNANCE_SETTINGS = NodeType(
    "GovernanceSettings",
    "Thresholds of the approval policy; a change makes a new version linked by SUPERSEDES.",
    (
        Prop("version", T.INT, required=True, minimum=0, doc="0: the built-in defaults"),
        Prop("actor", max_length=200, doc="who made this version"),
        Prop("at", T.DATETIME),
        Prop("reason", max_length=2000),
        _money("finance_threshold", "spend above this (market currency) needs a finance approval"),
        Prop("finance_role", max_length=40, doc="role that approves large spend"),
        Prop("two_approver_risk", T.FLOAT, minimum=0.0, maximum=100.0),
        Prop("high_risk_approvers", T.INT, minimum=1, doc="distinct approvers above that risk"),
        Prop("auto_approve", T.BOOL, doc="small conforming strategies are approved on submit"),
        _money("auto_approve_max_spend"),
        Prop("auto_approve_max_risk", T.FLOAT, minimum=0.0, maximum=100.0),
        Prop("thresholds", T.JSON, doc="every setting of this version as one document"),
    ),
    ingestable=False,
    versioned=True,
)
AUDIT_HEAD = NodeType(
    "AuditHead",
    "The tip of the audit chain (last seq and hash), moved by every append, so removing the "
    "newest events is detected too.",
    (Prop("seq", T.INT), Prop("hash", max_length=80)),
    ingestable=False,
)

KILL_SWITCH = NodeType(
    "KillSwitch",
    "The global execution kill switch (uid 'global'): while on, dispatchers make no channel call.",
    (
        Prop("on", T.BOOL, required=True),
        Prop("actor", max_length=200),
        Prop("reason", max_length=2000),
        Prop("at", T.DATETIME),
    ),
    ingestable=False,
)

API_TOKEN = NodeType(
    "ApiToken",
    "A bearer token of the HTTP API (uid is its name); only a hash of the secret is kept.",
    (
        Prop(
            "token_hash",
            required=True,
            indexed=True,
            max_length=128,
            doc="HMAC-SHA256 of the token",
        ),
        Prop("role", required=True, choices=("viewer", "analyst", "marketer", "approver", "admin")),
        Prop("actor", required=True, max_length=200, doc="actor name the token acts as"),
        Prop("prefix", max_length=16, doc="first characters of the token, to recognise it"),
        Prop("created_by", max_length=200),
        Prop("revoked", T.BOOL),
        Prop("revoked_at", T.DATETIME),
    ),
    ingestable=False,
)

NODE_TYPES = (
    MARKET,
    DATA_SOURCE,
    INGEST_BATCH,
    AUDIENCE,
    SIGNAL,
    CHANNEL,
    CONTACT,
    ASSET,
    GOAL,
    STRATEGY,
    PLAN_ITEM,
    VALIDATION_REPORT,
    VIOLATION,
    APPROVAL,
    RUN,
    ACTION,
    CAMPAIGN,
    KPI_OBSERVATION,
    AUDIT_EVENT,
    ACTOR,
    GOVERNANCE_SETTINGS,
    AUDIT_HEAD,
    KILL_SWITCH,
    API_TOKEN,
)

_ALL_DATA_LABELS = tuple(n.label for n in NODE_TYPES if n.label not in ("IngestBatch", "ApiToken"))

REL_TYPES = (
    RelType(
        "FROM_SOURCE",
        "An ingest batch read this source.",
        (("IngestBatch", "DataSource"),),
        ingestable=False,
    ),
    RelType(
        "FROM_BATCH",
        "The ingest batch that last wrote this node.",
        tuple((label, "IngestBatch") for label in _ALL_DATA_LABELS if label != "DataSource"),
        ingestable=False,
    ),
    RelType(
        "IN_MARKET",
        "Located in or aimed at a market.",
        (
            ("Audience", "Market"),
            ("Goal", "Market"),
            ("Contact", "Market"),
            ("KPIObservation", "Market"),
        ),
    ),
    RelType("HAS_SIGNAL", "An audience shows this signal.", (("Audience", "Signal"),)),
    RelType(
        "REACHABLE_VIA",
        "An audience can be addressed on a channel, on this legal basis.",
        (("Audience", "Channel"),),
        (
            Prop("basis", required=True, choices=CONSENT_BASES),
            Prop("consented_at", T.DATETIME),
            Prop("valid_until", T.DATETIME),
            Prop("reach", T.INT, minimum=0, doc="people reachable on this channel"),
        ),
    ),
    RelType("MEMBER_OF", "A contact belongs to an audience.", (("Contact", "Audience"),)),
    RelType(
        "CONSENTS_TO",
        "A contact's consent for one channel; opted_out_at ends it.",
        (("Contact", "Channel"),),
        (
            Prop("basis", required=True, choices=CONSENT_BASES),
            Prop("consented_at", T.DATETIME),
            Prop("opted_out_at", T.DATETIME),
        ),
    ),
    RelType("FITS", "An asset can run on a channel.", (("Asset", "Channel"),)),
    RelType("VARIANT_OF", "An asset is a variant of another.", (("Asset", "Asset"),)),
    RelType("LOCALIZED_FOR", "An asset is localized for a market.", (("Asset", "Market"),)),
    RelType("FOR_GOAL", "A strategy serves a goal.", (("Strategy", "Goal"),), ingestable=False),
    RelType("PROPOSES", "A strategy's plan items.", (("Strategy", "PlanItem"),), ingestable=False),
    RelType(
        "DERIVED_FROM",
        "Evidence a strategy was derived from.",
        tuple(
            ("Strategy", label)
            for label in ("KPIObservation", "Audience", "Channel", "Asset", "Signal", "Campaign")
        ),
        (Prop("role", max_length=60), Prop("weight", T.FLOAT)),
        ingestable=False,
    ),
    RelType(
        "SUPERSEDES",
        "A newer version replaces an older one.",
        (
            ("Strategy", "Strategy"),
            ("Asset", "Asset"),
            ("GovernanceSettings", "GovernanceSettings"),
        ),
        ingestable=False,
    ),
    RelType(
        "TARGETS",
        "Aimed at an audience.",
        (("PlanItem", "Audience"), ("Campaign", "Audience")),
    ),
    RelType("ON", "A plan item runs on a channel.", (("PlanItem", "Channel"),), ingestable=False),
    RelType("USES", "Uses a creative.", (("PlanItem", "Asset"), ("Campaign", "Asset"))),
    RelType(
        "DEPENDS_ON",
        "A plan item starts after another.",
        (("PlanItem", "PlanItem"),),
        ingestable=False,
    ),
    RelType(
        "VALIDATES",
        "A report validates a strategy.",
        (("ValidationReport", "Strategy"),),
        ingestable=False,
    ),
    RelType(
        "HAS_VIOLATION",
        "A report's violations.",
        (("ValidationReport", "Violation"),),
        ingestable=False,
    ),
    RelType("APPROVES", "A decision on a strategy.", (("Approval", "Strategy"),), ingestable=False),
    RelType("EXECUTES", "A run executes a strategy.", (("Run", "Strategy"),), ingestable=False),
    RelType("IN_RUN", "An action belongs to a run.", (("Action", "Run"),), ingestable=False),
    RelType(
        "FOR_CAMPAIGN",
        "An action acts for a campaign.",
        (("Action", "Campaign"),),
        ingestable=False,
    ),
    RelType(
        "REALIZES",
        "A campaign realises a plan item.",
        (("Campaign", "PlanItem"),),
        ingestable=False,
    ),
    RelType("RUNS_ON", "A campaign runs on a channel.", (("Campaign", "Channel"),)),
    RelType(
        "OF",
        "What an observation measures.",
        (
            ("KPIObservation", "Campaign"),
            ("KPIObservation", "Channel"),
            ("KPIObservation", "Market"),
        ),
    ),
    RelType(
        "TO_CONTACT",
        "A send action addresses this contact.",
        (("Action", "Contact"),),
        ingestable=False,
    ),
    RelType(
        "FROM_ACTION",
        "The action that produced an observation.",
        (("KPIObservation", "Action"),),
        ingestable=False,
    ),
)

SCHEMA = GraphSchema(nodes=NODE_TYPES, rels=REL_TYPES)
