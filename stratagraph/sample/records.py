"""Turn the world's arrays into ingest tables (one per node label or relationship type)."""

from __future__ import annotations

import numpy as np

from .catalog import ASSET_FITS, SEGMENTS
from .contacts import Contacts
from .entities import Assets, Audiences, Channels, Markets, Pairs, asset_formats
from .tables import Table, rel_table


def market_table(markets: Markets) -> Table:
    s = markets.specs
    t = Table("Market").add("uid", "str", markets.uids)
    t.add("code", "str", [m.code for m in s]).add("name", "str", [m.name for m in s])
    t.add("currency", "str", [m.currency for m in s]).add("locale", "str", [m.locale for m in s])
    t.add("timezone", "str", [m.timezone for m in s])
    t.add("units_per_usd", "float", [m.fx for m in s])
    return t.add("spend_cap", "float", markets.spend_cap)


def channel_table(channels: Channels) -> Table:
    s = channels.specs
    # unit_cost in the channel's cost model: per 1000 impressions, per click or per message
    unit = [
        c.cpm
        if c.cost_model == "cpm"
        else round(c.cpm / (1000 * c.ctr), 4)
        if c.cost_model == "cpc"
        else c.cpm / 1000
        for c in s
    ]
    t = Table("Channel").add("uid", "str", [c.uid for c in s])
    t.add("name", "str", [c.name for c in s]).add("kind", "str", [c.kind for c in s])
    t.add("cost_model", "str", [c.cost_model for c in s]).add("unit_cost", "float", unit)
    t.add("min_daily_budget", "float", [c.min_daily for c in s])
    t.add("max_daily_budget", "float", [c.max_daily for c in s])
    t.add("frequency_cap", "int", [c.frequency_cap for c in s])
    t.add("quiet_hours_start", "int", [c.quiet_hours[0] if c.quiet_hours else None for c in s])
    t.add("quiet_hours_end", "int", [c.quiet_hours[1] if c.quiet_hours else None for c in s])
    return t.add("adapter", "str", ["simulator"] * len(s))


def audience_tables(audiences: Audiences, markets: Markets) -> list[Table]:
    codes = [markets.specs[m].code for m in audiences.market.tolist()]
    descriptions = [
        f"{SEGMENTS[seg][0]} in {markets.specs[m].name}; interests: {', '.join(SEGMENTS[seg][1])}"
        for seg, m in zip(audiences.segment.tolist(), audiences.market.tolist(), strict=True)
    ]
    t = Table("Audience").add("uid", "str", audiences.uid).add("name", "str", audiences.name)
    t.add("size", "int", audiences.size).add("market", "str", codes)
    t.add("pii_free", "bool", audiences.pii_free).add("description", "str", descriptions)
    in_market = rel_table(
        "IN_MARKET",
        audiences.uid,
        [markets.uids[m] for m in audiences.market.tolist()],
        from_label="Audience",
    )
    return [t, in_market]


def signal_tables(signals: dict[str, list[object]]) -> list[Table]:
    t = Table("Signal").add("uid", "str", signals["uid"]).add("kind", "str", signals["kind"])
    t.add("topic", "str", signals["topic"]).add("strength", "float", signals["strength"])
    t.add("observed_at", "str", signals["observed_at"])
    return [
        t,
        rel_table(
            "HAS_SIGNAL", [str(a) for a in signals["audience"]], [str(u) for u in signals["uid"]]
        ),
    ]


def reach_table(pairs: Pairs, audiences: Audiences, channels: Channels) -> Table:
    t = rel_table(
        "REACHABLE_VIA",
        [audiences.uid[a] for a in pairs.audience.tolist()],
        [channels.specs[c].uid for c in pairs.channel.tolist()],
    )
    t.add("basis", "str", list(pairs.basis)).add("consented_at", "str", pairs.consented_at)
    t.add("valid_until", "str", pairs.valid_until)
    return t.add("reach", "int", pairs.reach)


def contact_tables(contacts: Contacts, audiences: Audiences, markets: Markets) -> list[Table]:
    s = markets.specs
    market = contacts.market.tolist()
    t = Table("Contact").add("uid", "str", contacts.uid)
    t.add("email", "str", contacts.email).add("name", "str", contacts.name)
    t.add("timezone", "str", [s[m].timezone for m in market])
    t.add("locale", "str", [s[m].locale for m in market])
    t.add("market", "str", [s[m].code for m in market])
    in_market = rel_table(
        "IN_MARKET", contacts.uid, [markets.uids[m] for m in market], from_label="Contact"
    )
    second = np.nonzero(contacts.second >= 0)[0]
    members = rel_table(
        "MEMBER_OF",
        contacts.uid + [contacts.uid[i] for i in second.tolist()],
        [audiences.uid[a] for a in contacts.audience.tolist()]
        + [audiences.uid[a] for a in contacts.second[second].tolist()],
    )
    consents = rel_table("CONSENTS_TO", contacts.uid, ["ch-email"] * len(contacts.uid))
    consents.add("basis", "str", ["consent"] * len(contacts.uid))
    consents.add("consented_at", "str", contacts.consented_at)
    consents.add("opted_out_at", "str", contacts.opted_out_at)
    return [t, in_market, members, consents]


def asset_tables(assets: Assets, markets: Markets, channels: Channels) -> list[Table]:
    locales = [markets.specs[m].locale for m in assets.market]
    t = Table("Asset").add("uid", "str", assets.uid).add("name", "str", assets.name)
    t.add("kind", "str", assets.kind).add("format", "str", asset_formats(assets))
    t.add("locale", "str", locales).add("themes", "list", assets.themes)
    t.add("brand_approved", "bool", assets.approved)
    t.add("expires_at", "str", [f"{d.isoformat()}T23:59:59Z" for d in assets.expires])
    t.add("version", "int", [1] * len(assets.uid))
    t.add("subject", "str", assets.subject).add("body", "str", assets.body)
    fit_from, fit_to = [], []
    for uid, kind in zip(assets.uid, assets.kind, strict=True):
        for c in channels.specs:
            if c.kind in ASSET_FITS[kind]:
                fit_from.append(uid)
                fit_to.append(c.uid)
    localized = rel_table("LOCALIZED_FOR", assets.uid, [markets.uids[m] for m in assets.market])
    variants = sorted(assets.variant_of.items())
    variant_of = rel_table(
        "VARIANT_OF", [assets.uid[v] for v, _ in variants], [assets.uid[b] for _, b in variants]
    )
    return [t, rel_table("FITS", fit_from, fit_to), localized, variant_of]
