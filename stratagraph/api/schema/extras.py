# mypy: disable-error-code="untyped-decorator"
# (strawberry's decorators are untyped for mypy; its types are read at runtime)
"""Fields that are not a plain property or relationship: a strategy's forecasts, risk
factors, versions, approval state and audit trail; a run's report."""

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from stratagraph import cypher
from stratagraph.api.auth import Op
from stratagraph.execution import run_report
from stratagraph.governance import approval_status

from .context import Context
from .nodes import Registry

METRICS = ("conversions", "revenue", "roi", "reach", "spend")


@strawberry.type(description="A forecast metric with its 10th, 50th and 90th percentiles.")
class ForecastBand:
    metric: str
    p10: float | None
    p50: float | None
    p90: float | None


@strawberry.type(description="One named factor of a risk score.")
class RiskFactor:
    name: str
    value: float


def _forecast(root: Any) -> list[ForecastBand]:
    props = root.props
    return [
        ForecastBand(
            metric=m,
            p10=props.get(f"{m}_p10"),
            p50=props.get(f"{m}_p50"),
            p90=props.get(f"{m}_p90"),
        )
        for m in METRICS
        if any(props.get(f"{m}_{q}") is not None for q in ("p10", "p50", "p90"))
    ]


def _risk_factors(root: Any) -> list[RiskFactor]:
    names = root.props.get("risk_factor_names") or []
    values = root.props.get("risk_factor_values") or []
    return [RiskFactor(name=str(n), value=float(v)) for n, v in zip(names, values, strict=False)]


def _approval_state(root: Any, info: Info) -> JSON:
    ctx: Context = info.context
    ctx.require(Op.READ)
    with ctx.service():
        return cast(JSON, approval_status(ctx.store, str(root.props["uid"])).as_dict())


def _run_report(root: Any, info: Info) -> JSON:
    ctx: Context = info.context
    ctx.require(Op.READ)
    with ctx.service():
        report = run_report(ctx.store, str(root.props["uid"]))
        return cast(
            JSON, {**report.as_dict(), "realised_vs_forecast": report.realised_vs_forecast()}
        )


def extras(registry: Registry, label: str) -> dict[str, Any]:
    """Extra fields of `label`'s type (called once per label while the types are built)."""
    fields: dict[str, Any] = {}
    if label in ("Strategy", "Run", "Campaign", "Approval"):
        audit_type = registry.nodes["AuditEvent"]

        def audit_trail(root: Any, info: Info, first: int = 50) -> list[Any]:
            ctx: Context = info.context
            ctx.require(Op.READ)
            rows = ctx.read(
                cypher.load("api/audit_for"),
                {"subject": str(root.props["uid"]), "limit": max(0, min(first, 500))},
            )
            return [registry.make("AuditEvent", dict(r["props"])) for r in rows]

        audit_trail.__annotations__ = {
            "root": Any,
            "info": Info,
            "first": int,
            "return": list[audit_type],  # type: ignore[valid-type]
        }
        fields["auditTrail"] = strawberry.field(
            resolver=audit_trail,
            name="auditTrail",
            description="Audit events about this node, newest first.",
        )
    if label == "Strategy":
        strategy_type = registry.nodes["Strategy"]

        def versions(root: Any, info: Info) -> list[Any]:
            ctx: Context = info.context
            ctx.require(Op.READ)
            key = root.props.get("lineage_key")
            if not key:
                return [root]
            rows = ctx.read(cypher.load("api/strategy_versions"), {"lineage_key": str(key)})
            return [registry.make("Strategy", dict(r["props"])) for r in rows]

        versions.__annotations__ = {
            "root": Any,
            "info": Info,
            "return": list[strategy_type],  # type: ignore[valid-type]
        }
        fields["forecast"] = strawberry.field(
            resolver=_forecast, description="Forecast bands of the whole strategy."
        )
        fields["riskFactors"] = strawberry.field(
            resolver=_risk_factors, name="riskFactors", description="What makes up riskScore."
        )
        fields["versions"] = strawberry.field(
            resolver=versions, description="Every version of this strategy, newest first."
        )
        fields["approvalState"] = strawberry.field(
            resolver=_approval_state,
            name="approvalState",
            description="May it run? Requirements, approvals that count or are void, reasons.",
        )
    if label == "PlanItem":
        fields["forecast"] = strawberry.field(
            resolver=_forecast, description="Forecast bands of this plan item."
        )
    if label == "Run":
        fields["report"] = strawberry.field(
            resolver=_run_report,
            description="Progress, spend against budget, realised against forecast, drift.",
        )
    return fields
