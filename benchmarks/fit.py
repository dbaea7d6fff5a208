"""Response-model fits on the two public benchmarks, beside the published figures.

    python benchmarks/fit.py [--repeats 3] [--draws 1000] [--seed 0] [--skip-pymc-marketing]

PyMC-Marketing's simulated example (tests/data/pymc_marketing_mmm_example.csv): recovered adstock
decays and media contribution shares against the true data-generating process. Meridian's
simulated geo panel (tests/data/meridian_geo_all_channels.csv): per-channel ROI (mean and 90%
interval) and mROI against Meridian's published demo results, once with the note's controls plus
Promo (as in the tests) and once with the two controls only (as in the published run). Fit times
are wall-clock (best and median of --repeats runs) and CPU seconds (median), since the
wall clock of a shared machine depends on its neighbours.

If `pymc_marketing` is importable, its MMM is also fitted on the example in the same run (NUTS,
2 chains x 2000 draws after 1000 tuning steps) and its time printed beside ours. Prints a JSON
line, then tables.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from stratagraph.reasoning.response import FitOptions, MediaData, ResponseFit, fit_response
from stratagraph.reasoning.response.public_datasets import (
    MERIDIAN_CONTROLS,
    meridian_geo,
    pymc_example,
)

DATA = Path(__file__).parents[1] / "tests" / "data"
PYMC_TRUTH = {"x1": (0.4, 0.2905), "x2": (0.2, 0.0697)}  # decay, contribution share
# reported for NUTS, 2 chains x 2000 draws, on this kind of machine
PYMC_MARKETING_NUTS_SECONDS = 96.0
# Meridian "ROI, mROI and response curves" demo (paid media + controls): mean, 90% CI, mROI.
MERIDIAN_PUBLISHED = {
    "Channel0": (1.587, 0.432, 3.156, 0.789),
    "Channel1": (0.937, 0.262, 1.977, 0.470),
    "Channel2": (1.419, 0.544, 2.552, 0.792),
    "Channel3": (0.877, 0.298, 1.710, 0.412),
    "Channel4": (1.621, 0.406, 3.292, 0.742),
}
MERIDIAN_TOTAL = (1.208, 0.800, 1.649)


def pymc_data() -> MediaData:
    return pymc_example(DATA / "pymc_marketing_mmm_example.csv")


def meridian_data(controls: tuple[str, ...]) -> MediaData:
    return meridian_geo(DATA / "meridian_geo_all_channels.csv", controls)


def timed_fits(
    data: MediaData, options: FitOptions | None, args: argparse.Namespace
) -> tuple[ResponseFit, dict[str, float]]:
    fits, cpu = [], []
    for _ in range(args.repeats):
        started = time.process_time()  # CPU seconds: steadier than wall time on a shared box
        fits.append(fit_response(data, seed=args.seed, draws=args.draws, options=options))
        cpu.append(time.process_time() - started)
    seconds = [fit.seconds for fit in fits]
    return fits[0], {
        "best_s": round(min(seconds), 3),
        "median_s": round(statistics.median(seconds), 3),
        "cpu_s": round(statistics.median(cpu), 3),
    }


def pymc_figures(fit: ResponseFit) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for s in fit.channel_summary(level=0.8):
        out[s.channel] = {
            "decay": [round(v, 3) for v in s.decay],
            "share": [round(v, 4) for v in s.contribution_share],
            "roi": [round(v, 1) for v in s.roi],
        }
    return out


def meridian_figures(fit: ResponseFit) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for s in fit.channel_summary(level=0.9):
        out[s.channel] = {
            "roi": [round(v, 3) for v in s.roi],
            "mroi": round(s.mroi.mean, 3),
            "decay": round(s.decay.mean, 3),
            "share": round(s.contribution_share.mean, 4),
        }
    out["total_roi"] = [round(v, 3) for v in fit.total_roi(level=0.9)]
    return out


def pymc_marketing_fit(args: argparse.Namespace) -> dict[str, Any]:
    """PyMC-Marketing's MMM on the same example, NUTS 2 x 2000; {"available": False} without it."""
    try:
        import pymc_marketing
        from pymc_marketing import mmm
    except ImportError:
        return {"available": False}
    frame = pd.read_csv(DATA / "pymc_marketing_mmm_example.csv", parse_dates=["date_week"])
    x = frame.drop(columns=["y"])
    common = {
        "date_column": "date_week",
        "channel_columns": ["x1", "x2"],
        "control_columns": ["event_1", "event_2", "t"],
        "yearly_seasonality": 2,
    }
    try:  # pymc-marketing >= 0.8: pluggable transforms
        model = mmm.MMM(
            adstock=mmm.GeometricAdstock(l_max=8),
            saturation=mmm.LogisticSaturation(),
            **common,
        )
    except (AttributeError, TypeError):  # older releases
        model = mmm.DelayedSaturatedMMM(adstock_max_lag=8, **common)
    started = time.perf_counter()
    model.fit(
        X=x,
        y=frame["y"],
        chains=2,
        draws=2000,
        tune=1000,
        random_seed=args.seed,
        progressbar=False,
    )
    seconds = time.perf_counter() - started
    out: dict[str, Any] = {
        "available": True,
        "version": pymc_marketing.__version__,
        "seconds": round(seconds, 1),
    }
    posterior = model.fit_result
    for name in ("adstock_alpha", "alpha"):
        if name in posterior:
            out["decay"] = [round(float(v), 3) for v in posterior[name].mean(("chain", "draw"))]
            break
    try:
        contribution = model.compute_channel_contribution_original_scale()
        time_dims = [d for d in contribution.dims if d not in ("chain", "draw", "channel")]
        shares = contribution.sum(time_dims).mean(("chain", "draw")) / frame["y"].sum()
        out["share"] = [round(float(v), 4) for v in shares]
    except Exception as exc:  # reported, not fatal: the API moved between releases
        out["share_error"] = repr(exc)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-pymc-marketing", action="store_true")
    args = parser.parse_args(argv)

    print("fitting the PyMC-Marketing example...", file=sys.stderr, flush=True)
    pymc_fit, pymc_time = timed_fits(pymc_data(), FitOptions(effect_prior="share"), args)
    print("fitting the Meridian geo panel (controls + Promo)...", file=sys.stderr, flush=True)
    promo_fit, promo_time = timed_fits(meridian_data((*MERIDIAN_CONTROLS, "Promo")), None, args)
    print("fitting the Meridian geo panel (controls only)...", file=sys.stderr, flush=True)
    plain_fit, plain_time = timed_fits(meridian_data(MERIDIAN_CONTROLS), None, args)
    reference: dict[str, Any] = {"available": False, "skipped": True}
    if not args.skip_pymc_marketing:
        print("fitting PyMC-Marketing's MMM (NUTS)...", file=sys.stderr, flush=True)
        reference = pymc_marketing_fit(args)

    result = {
        "benchmark": "response_fit",
        "draws": args.draws,
        "pymc_example": {**pymc_figures(pymc_fit), **pymc_time},
        "meridian_promo": {**meridian_figures(promo_fit), **promo_time},
        "meridian_controls": {**meridian_figures(plain_fit), **plain_time},
        "pymc_marketing": reference,
    }
    print(json.dumps(result))

    print("\nPyMC-Marketing example (179 weeks): ours, mean [80% interval], vs the true process")
    print(f"{'channel':8} {'decay':>24} {'true':>5} {'contribution share':>26} {'true':>7}")
    for s in pymc_fit.channel_summary(level=0.8):
        decay, share = s.decay, s.contribution_share
        true_decay, true_share = PYMC_TRUTH[s.channel]
        print(
            f"{s.channel:8} {decay.mean:>8.3f} [{decay.low:.3f}, {decay.high:.3f}] "
            f"{true_decay:>5.2f} {share.mean:>10.2%} [{share.low:.2%}, {share.high:.2%}] "
            f"{true_share:>7.2%}"
        )
    print(
        f"fit: ours {pymc_time['best_s']:.2f} s best, {pymc_time['median_s']:.2f} s median, "
        f"{pymc_time['cpu_s']:.2f} CPU s ({args.draws} draws)"
    )
    if reference.get("available"):
        print(
            f"     PyMC-Marketing {reference['version']} NUTS 2x2000: {reference['seconds']:.1f} s"
            f" ({reference['seconds'] / pymc_time['median_s']:.0f}x ours); "
            f"decay {reference.get('decay')}, share {reference.get('share')}"
        )
    else:
        why = "skipped" if reference.get("skipped") else "pymc_marketing is not installed"
        print(
            f"     PyMC-Marketing: {why} (pip install '.[bench]'); reported at "
            f"{PYMC_MARKETING_NUTS_SECONDS:.0f} s for NUTS 2x2000 on this class of machine "
            f"({PYMC_MARKETING_NUTS_SECONDS / pymc_time['median_s']:.0f}x ours)"
        )

    for label, fit, timing in (
        ("controls + Promo", promo_fit, promo_time),
        ("controls only, as the published run", plain_fit, plain_time),
    ):
        print(f"\nMeridian geo panel (40 geos x 156 weeks), {label}: ROI mean [90% interval]")
        print(f"{'channel':9} {'ours':>22} {'Meridian':>22} {'mROI ours':>10} {'Meridian':>9}")
        for s in fit.channel_summary(level=0.9):
            mean, low, high, mroi = MERIDIAN_PUBLISHED[s.channel]
            print(
                f"{s.channel:9} {s.roi.mean:>6.3f} [{s.roi.low:.3f}, {s.roi.high:.3f}] "
                f"{mean:>6.3f} [{low:.3f}, {high:.3f}] {s.mroi.mean:>10.3f} {mroi:>9.3f}"
            )
        total = fit.total_roi(level=0.9)
        mean, low, high = MERIDIAN_TOTAL
        print(
            f"{'all paid':9} {total.mean:>6.3f} [{total.low:.3f}, {total.high:.3f}] "
            f"{mean:>6.3f} [{low:.3f}, {high:.3f}]"
        )
        print(
            f"fit: {timing['best_s']:.2f} s best, {timing['median_s']:.2f} s median, "
            f"{timing['cpu_s']:.2f} CPU s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
