"""Copilot commands: response models, proposals, backtests, curves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from stratagraph import cypher
from stratagraph.cli.common import JsonOpt, StoreOpt, err, opened, out, print_json
from stratagraph.errors import UsageError
from stratagraph.reasoning.history import load_campaign_history
from stratagraph.reasoning.models import ModelRegistry
from stratagraph.reasoning.response.summary import ChannelSummary, Interval

SeedOpt = Annotated[int, typer.Option(help="Same seed, same numbers.")]


def _interval(i: Interval, fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(i.mean)} [{fmt.format(i.low)}, {fmt.format(i.high)}]"


def _summary_dict(s: ChannelSummary) -> dict[str, Any]:
    return {
        "channel": s.channel,
        "observations": s.n_obs,
        "spend": s.spend,
        **{
            name: getattr(s, name)._asdict()
            for name in (
                "decay",
                "saturation",
                "half_saturation_spend",
                "contribution",
                "contribution_share",
                "roi",
                "mroi",
            )
        },
    }


def response_models_command(
    channel: Annotated[str | None, typer.Option(help="Only this Channel uid.")] = None,
    market: Annotated[
        str | None,
        typer.Option(
            help="A Market uid whose media-mix series (ingested with --format mmm) to model; "
            "default: the audience x channel campaign history of every market."
        ),
    ] = None,
    prior: Annotated[
        str,
        typer.Option(
            help="Media-mix only: roi (a prior on ROI; spend and revenue in one currency) or share "
            "(a prior on contribution share; when spend is an index, not money)."
        ),
    ] = "roi",
    seed: SeedOpt = 0,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fit the response model of every channel and print, per channel, adstock decay,
    saturation, contribution share, ROI and marginal ROI with 80% intervals."""
    from stratagraph.reasoning.pair_summary import summarise

    if market is not None:
        _media_mix(market, channel, prior, seed, store, as_json)
        return
    with opened(store) as (graph, _):
        history = load_campaign_history(graph)
        channels = [channel] if channel else history.channels
        if channel and channel not in history.channels:
            raise UsageError(
                f"no campaign history for channel {channel!r}; channels with history: "
                f"{', '.join(history.channels) or 'none'}"
            )
        models = ModelRegistry(seed=seed).for_market(history, "all", channels)
        summaries = summarise(models.fits, history)
    if as_json:
        print_json(
            {
                "fit_seconds": round(models.fit_seconds, 3),
                "channels": [_summary_dict(s) for s in summaries],
            }
        )
        return
    table = Table(
        title=f"response models (80% intervals; fitted in {models.fit_seconds:.1f} s; money in USD)"
    )
    for col in (
        "channel",
        "weeks",
        "decay",
        "Hill shape",
        "half saturation / week",
        "contribution share",
        "ROI",
        "marginal ROI",
    ):
        table.add_column(col)
    for s in summaries:
        table.add_row(
            s.channel,
            str(s.n_obs),
            _interval(s.decay),
            _interval(s.saturation),
            _interval(s.half_saturation_spend, "{:,.0f}"),
            _interval(s.contribution_share, "{:.1%}"),
            _interval(s.roi),
            _interval(s.mroi),
        )
    out().print(table)


def _media_mix(
    market: str, channel: str | None, prior: str, seed: int, store: str | None, as_json: bool
) -> None:
    from stratagraph.reasoning.mmm_data import load_media_data
    from stratagraph.reasoning.response import FitOptions, fit_response

    if prior not in ("roi", "share"):
        raise UsageError("--prior takes roi or share")
    with opened(store) as (graph, _):
        data = load_media_data(graph, market)
    note = err()
    note.print(
        f"[dim]fitting {len(data.channels)} channels x {len(data.geos)} geos x "
        f"{len(data.periods)} periods...[/]"
    )
    effect: Literal["roi", "share"] = "share" if prior == "share" else "roi"
    fit = fit_response(data, seed=seed, options=FitOptions(effect_prior=effect))
    summaries = [s for s in fit.channel_summary() if channel in (None, s.channel)]
    if channel and not summaries:
        raise UsageError(f"{market} has no channel {channel!r}; it has {', '.join(fit.channels)}")
    total = fit.total_roi()
    if as_json:
        print_json(
            {
                "market": market,
                "fit_seconds": round(fit.seconds, 3),
                "observations": fit.n_observations,
                "total_roi": total._asdict(),
                "channels": [_summary_dict(s) for s in summaries],
            }
        )
        return
    table = Table(
        title=f"{market}: media-mix response models (80% intervals; "
        f"{fit.n_observations} geo-periods; fitted in {fit.seconds:.1f} s)"
    )
    for col in (
        "channel",
        "spend",
        "decay",
        "saturation (lambda)",
        "contribution share",
        "ROI",
        "marginal ROI",
    ):
        table.add_column(col)
    for s in summaries:
        table.add_row(
            s.channel,
            f"{s.spend:,.0f}",
            _interval(s.decay),
            _interval(s.saturation),
            _interval(s.contribution_share, "{:.1%}"),
            _interval(s.roi),
            _interval(s.mroi),
        )
    console = out()
    console.print(table)
    console.print(f"all paid media: ROI {_interval(total)}")


def propose_command(
    goal: Annotated[str | None, typer.Option(help="The Goal uid.")] = None,
    goal_file: Annotated[
        Path | None,
        typer.Option(
            help="A JSON goal (the Goal columns plus `market`, a Market code) to load first."
        ),
    ] = None,
    options: Annotated[int, typer.Option(help="How many strategy options (at least 3).")] = 3,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            help="What if: budget=+20%, budget=50000, channel:UID=off, window=START..END."
        ),
    ] = None,
    seed: SeedOpt = 7,
    actor: Annotated[str, typer.Option("--as", help="Who proposes (the maker).")] = "copilot",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Propose ranked strategy options for a goal: plan items, forecasts with p10/p50/p90,
    an explained risk score and a rationale, written as Strategy versions."""
    from stratagraph.reasoning.propose import ProposeRequest, propose

    if options < 3:
        raise UsageError("--options must be at least 3 (one per core objective)")
    with opened(store) as (graph, settings):
        if goal_file is not None:
            goal = _load_goal_file(graph, goal_file, goal, settings)
        if goal is None:
            raise UsageError("name the goal: --goal UID (or --goal-file FILE)")
        request = ProposeRequest(
            goal=goal, options=options, scenarios=tuple(scenario or ()), seed=seed, maker=actor
        )
        proposal = propose(graph, request, ModelRegistry(seed=0))
    if as_json:
        print_json(_proposal_json(proposal))
        return
    print_proposal(proposal)


def _load_goal_file(graph: Any, path: Path, goal: str | None, settings: Any) -> str:
    from stratagraph.ingest.service import IngestTuning, ingest_records
    from stratagraph.reasoning.goals import load_goal_file

    rows = load_goal_file(path)
    markets = {r["market"] for r in rows if "market" in r}
    found = {
        r["code"]: r["uid"]
        for r in graph.read(cypher.load("reasoning/markets_by_code"), {"codes": sorted(markets)})
    }
    missing = markets - set(found)
    if missing:
        raise UsageError(f"{path}: no Market with code {', '.join(sorted(missing))}")
    tuning = IngestTuning.from_settings(settings)
    ingest_records(graph, rows, type_name="Goal", source_name=path.name, tuning=tuning)
    links = [{"from": r["uid"], "to": found[r["market"]], "from_label": "Goal"} for r in rows]
    ingest_records(
        graph, links, type_name="IN_MARKET", source_name=f"{path.name}#market", tuning=tuning
    )
    return goal or str(rows[0]["uid"])


def _proposal_json(proposal: Any) -> dict[str, Any]:
    written = {w.uid: w for w in proposal.written}
    uids = [w.uid for w in proposal.written]
    return {
        "goal": proposal.goal.uid,
        "currency": proposal.goal.currency,
        "seconds": round(proposal.seconds, 3),
        "fit_seconds": round(proposal.fit_seconds, 3),
        "notes": proposal.notes,
        "strategies": [
            {
                "uid": uids[i] if i < len(uids) else None,
                "version": written[uids[i]].version if i < len(uids) else None,
                "supersedes": written[uids[i]].supersedes if i < len(uids) else None,
                "rank": o.rank,
                "objective": o.objective,
                "spend": o.spend,
                "forecast": o.forecast.as_props(),
                "risk_score": o.risk.score,
                "risk_factors": o.risk.factors,
                "rationale": o.rationale,
                "items": [
                    {
                        "audience": it.tactic.audience,
                        "channel": it.tactic.channel,
                        "asset": it.tactic.asset,
                        "budget": it.budget,
                        "forecast": it.forecast.as_props(),
                        "brief": it.brief.text,
                        "evidence_path": it.tactic.path,
                        "observed_weeks": it.observed_weeks,
                    }
                    for it in o.items
                ],
            }
            for i, o in enumerate(sorted(proposal.options, key=lambda o: o.rank))
        ],
    }


def print_proposal(proposal: Any) -> None:
    g = proposal.goal
    cur = g.currency
    table = Table(
        title=f"{g.name} ({g.uid}): {g.kpi}, budget {g.budget:,.0f} {cur}, "
        f"{g.window_start} to {g.window_end}"
    )
    for col in (
        "rank",
        "strategy",
        "objective",
        "spend",
        f"{g.kpi} p10 / p50 / p90",
        "ROI p50",
        "reach p50",
        "risk",
    ):
        table.add_column(col)
    uids = {i: w.uid for i, w in enumerate(proposal.written)}
    for i, o in enumerate(sorted(proposal.options, key=lambda o: o.rank)):
        k = o.forecast.kpi(g.kpi)
        table.add_row(
            str(o.rank),
            uids.get(i, "(not written)"),
            o.objective,
            f"{o.spend:,.0f}",
            f"{k[0]:,.0f} / {k[1]:,.0f} / {k[2]:,.0f}",
            f"{o.forecast.roi[1]:.2f}",
            f"{o.forecast.reach[1]:,.0f}",
            f"{o.risk.score:.0f} ({o.risk.explanation})",
        )
    console = out()
    console.print(table)
    best = min(proposal.options, key=lambda o: o.rank)
    console.print(f"\n[bold]rank 1[/]: {best.rationale}")
    for note in proposal.notes:
        err().print(f"[yellow]note:[/] {note}")
    console.print(
        f"[dim]proposed in {proposal.seconds:.2f} s (model fitting {proposal.fit_seconds:.2f} s)[/]"
    )


def backtest_command(
    truth: Annotated[Path, typer.Option(help="ground_truth.json of the sample twin in the store.")],
    goal: Annotated[list[str] | None, typer.Option(help="Goal uids; default every goal.")] = None,
    holdout: Annotated[int, typer.Option(help="Weeks held out for the coverage check.")] = 13,
    seed: SeedOpt = 7,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score decisions against the twin's true curves (regret of the max-outcome option) and
    check how often the 80% forecast intervals cover held-out weeks."""
    from stratagraph.reasoning.backtest import decision_quality, forecast_coverage
    from stratagraph.sample import TrueCurves

    if not truth.is_file():
        raise UsageError(f"{truth}: no such file (the twin's ground_truth.json)")
    curves = TrueCurves.load(truth)
    with opened(store) as (graph, _):
        goals = goal or [r["uid"] for r in graph.read(cypher.load("reasoning/goal_uids"))]
        registry = ModelRegistry(seed=0)
        quality = [decision_quality(graph, g, curves, registry, seed=seed) for g in goals]
        coverage = forecast_coverage(graph, holdout_weeks=holdout, seed=seed)
    result = {
        "decisions": [
            {
                "goal": q.goal,
                "kpi": q.kpi,
                "ours_true": q.ours_true,
                "optimum_true": q.optimum_true,
                "share_of_optimum": q.ratio,
                "regret": q.regret,
            }
            for q in quality
        ],
        "coverage": {
            "level": 0.8,
            "holdout_weeks": coverage.holdout_weeks,
            "weeks_checked": coverage.weeks_checked,
            "inside": coverage.inside,
            "rate": coverage.rate,
        },
    }
    if as_json:
        print_json(result)
        return
    table = Table(title="decision quality: max-outcome option scored with the true curves")
    for col in ("goal", "kpi", "ours (true)", "true optimum", "share", "regret"):
        table.add_column(col)
    for q in quality:
        table.add_row(
            q.goal,
            q.kpi,
            f"{q.ours_true:,.0f}",
            f"{q.optimum_true:,.0f}",
            f"{q.ratio:.1%}",
            f"{q.regret:.2%}",
        )
    console = out()
    console.print(table)
    console.print(
        f"80% forecast intervals covered {coverage.rate:.1%} of {coverage.weeks_checked} "
        f"held-out pair-weeks (last {coverage.holdout_weeks} weeks)"
    )


def curves_command(
    channel: Annotated[str, typer.Option(help="The Channel uid.")],
    out_file: Annotated[Path, typer.Option("--out", help="FILE.png or FILE.svg")],
    seed: SeedOpt = 0,
    store: StoreOpt = None,
) -> None:
    """Draw a channel's fitted response curve with its 80% band and the observed weeks."""
    from stratagraph.reasoning.curves_plot import draw_curve

    with opened(store) as (graph, _):
        history = load_campaign_history(graph)
        if channel not in history.channels:
            raise UsageError(
                f"no campaign history for channel {channel!r}; channels with "
                f"history: {', '.join(history.channels) or 'none'}"
            )
        fit = ModelRegistry(seed=seed).for_market(history, "all", [channel]).fits[channel]
    dots = draw_curve(fit, history, out_file)
    out().print(f"wrote {out_file} ({dots} observed weeks)")
