"""How big a twin is: named presets, or a target entity count turned into counts."""

from __future__ import annotations

from dataclasses import dataclass

from stratagraph.errors import UsageError

from .catalog import CHANNELS, HISTORY_WEEKS, SLOT_WEEKS


@dataclass(frozen=True)
class ScalePlan:
    name: str  # "small", "medium", "large" or the requested entity count
    markets: int
    channels: int
    audiences_per_market: int
    contacts: int
    assets_per_market: int
    history_share: float  # share of reachable (audience, channel) pairs with campaigns
    slot_probability: float  # chance a history pair runs a campaign in a half year
    signals: tuple[int, int]  # fewest and most signals per audience


PRESETS: dict[str, ScalePlan] = {
    # ~4k entities: loads in about a second, used by the tests and the demo; a brand with
    # history on most of its pairs, so decisions on it can be scored against the truth
    "small": ScalePlan("small", 3, 6, 4, 50, 10, 0.85, 0.75, (2, 4)),
    # ~100k entities
    "medium": ScalePlan("medium", 5, 8, 28, 2_500, 24, 0.6, 0.75, (3, 5)),
    # > 1M entities: contacts make up the bulk beyond the campaign history
    "large": ScalePlan("large", 8, 10, 60, 185_000, 40, 0.6, 0.75, (3, 6)),
}
_SMALLEST = 2_000  # about the least with 3 markets, 6 channels and 2 audiences per market


def estimate_entities(plan: ScalePlan) -> float:
    """Expected nodes + relationships of a plan (the generator's structure, in averages)."""
    channels = CHANNELS[: plan.channels]
    reachable = sum(c.reach_probability for c in channels)  # per audience
    pairs = plan.markets * plan.audiences_per_market * reachable
    history_pairs = pairs * plan.history_share
    slots = HISTORY_WEEKS // SLOT_WEEKS
    campaigns = history_pairs * slots * plan.slot_probability
    observations = campaigns * SLOT_WEEKS
    signals = sum(plan.signals) / 2
    per_audience = 2 + 2 * signals  # node + IN_MARKET, signals + HAS_SIGNAL
    # node, LOCALIZED_FOR, about 1.8 FITS and 0.2 VARIANT_OF per asset
    assets = plan.markets * plan.assets_per_market * (2 + 1.8 + 0.2)
    return (
        plan.markets * (1 + 3.0)  # market + goals with IN_MARKET
        + plan.channels
        + plan.markets * plan.audiences_per_market * per_audience
        + pairs  # REACHABLE_VIA
        + campaigns * 4  # node, RUNS_ON, TARGETS, USES
        + observations * 2  # node, OF
        + plan.contacts * 4.3  # node, IN_MARKET, CONSENTS_TO, MEMBER_OF (some twice)
        + assets
    )


def resolve_scale(scale: str | int) -> ScalePlan:
    if isinstance(scale, str):
        if scale.isdigit():
            return resolve_scale(int(scale))
        try:
            return PRESETS[scale]
        except KeyError:
            raise UsageError(
                f"unknown scale {scale!r}; use small, medium, large or an entity count"
            ) from None
    if isinstance(scale, bool) or not isinstance(scale, int):
        raise UsageError(f"scale must be a preset name or an int, not {scale!r}")
    target = max(int(scale), _SMALLEST)
    # structure follows the nearest preset; audiences and contacts absorb the rest
    base = PRESETS["small" if target < 30_000 else "medium" if target < 400_000 else "large"]
    contacts = max(10, target // 40) if target < 400_000 else max(10, int(target * 0.7 / 4.3))
    # the count is linear in audiences per market, so two evaluations solve for it
    zero = estimate_entities(_with(base, 0, contacts, scale))
    one = estimate_entities(_with(base, 1, contacts, scale))
    per_market = max(2, round((target - zero) / (one - zero)))
    return _with(base, per_market, contacts, scale)


def _with(base: ScalePlan, per_market: int, contacts: int, scale: int) -> ScalePlan:
    return ScalePlan(
        name=str(scale),
        markets=base.markets,
        channels=base.channels,
        audiences_per_market=per_market,
        contacts=contacts,
        assets_per_market=base.assets_per_market,
        history_share=base.history_share,
        slot_probability=base.slot_probability,
        signals=base.signals,
    )
