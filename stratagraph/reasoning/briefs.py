"""Creative hypotheses: pair an audience's strongest signals with the themes of a creative."""

from __future__ import annotations

from dataclasses import dataclass

from stratagraph.reasoning.candidates import Signal, Tactic


@dataclass(frozen=True)
class Brief:
    asset: str
    matched: tuple[str, ...]  # topics the audience shows and the asset carries
    text: str


def _score(themes: tuple[str, ...], signals: list[Signal]) -> float:
    carried = set(themes)
    return sum(s.strength for s in signals if s.topic in carried)


def choose_asset(tactic: Tactic) -> str:
    """The qualifying creative whose themes best match the audience's signals."""
    # ties go to the lowest uid, so the choice is stable
    best = max(sorted(tactic.assets), key=lambda a: _score(a[1], tactic.signals))
    return best[0]


def write_brief(tactic: Tactic, variants: dict[str, list[tuple[str, tuple[str, ...]]]]) -> Brief:
    asset, themes, kind = next(a for a in tactic.assets if a[0] == tactic.asset)
    strongest = tactic.signals[:3]
    matched = tuple(s.topic for s in tactic.signals if s.topic in set(themes))
    lines = []
    if strongest:
        shown = ", ".join(f"{s.kind} for '{s.topic}' ({s.strength:.2f})" for s in strongest)
        lines.append(f"{tactic.audience_name} shows {shown}.")
    else:
        lines.append(
            f"{tactic.audience_name} has no recorded signals; the creative is chosen "
            "for the channel and market only."
        )
    if matched:
        lines.append(
            f"Lead with {asset} ({kind}; themes {', '.join(themes)}): it speaks to "
            f"{', '.join(repr(m) for m in matched)}, what this audience responds to."
        )
    else:
        lines.append(
            f"Use {asset} ({kind}; themes {', '.join(themes) or 'none'}); no qualifying "
            "creative matches the audience's signals: test a message on "
            f"'{strongest[0].topic}' next."
            if strongest
            else f"Use {asset} ({kind})."
        )
    alternatives = [(v, vt) for v, vt in variants.get(asset, []) if set(vt) - set(themes)]
    weaker = [s.topic for s in tactic.signals[3:6]]
    for variant, vthemes in alternatives[:2]:
        extra = sorted(set(vthemes) - set(themes))
        why = f" to reach the part that cares about {', '.join(extra)}" if extra else ""
        if set(extra) & set(weaker):
            why += " (a secondary signal of this audience)"
        lines.append(f"Test variant {variant} ({', '.join(vthemes)}){why}.")
    return Brief(asset, matched, " ".join(lines))
