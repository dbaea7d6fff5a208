"""A picture of a fitted response curve with its interval band and the observed weeks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stratagraph.errors import UsageError
from stratagraph.reasoning.history import CampaignHistory
from stratagraph.reasoning.pair_model import ChannelData, ChannelFit, adstock_matrix, hill


def draw_curve(fit: ChannelFit, history: CampaignHistory, out: Path, *, level: float = 0.8) -> int:
    """Weekly conversions against adstocked weekly spend (USD) for an average pair; the dots
    are observed weeks divided by their pair's lift and season. Returns the dots drawn."""
    if out.suffix.lower() not in (".png", ".svg"):
        raise UsageError(f"{out}: the picture is written as .png or .svg")
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    data = ChannelData.build(fit.channel, history)
    m = fit.map_estimate
    stock = data.spend_usd @ adstock_matrix(m["decay"], data.spend_usd.shape[1]).T
    season = np.exp(m["season_cos"] * data.cos + m["season_sin"] * data.sin)
    lift = fit.lift_shape.mean(axis=0) / fit.lift_rate.mean(axis=0)
    xs = stock[data.observed]
    ys = (data.conversions / (lift[:, None] * season[None, :]))[data.observed]
    top = float(np.percentile(xs, 99)) * 1.3 if xs.size else m["half_saturation"] * 3
    grid = np.linspace(0, max(top, 1.0), 200)
    curves = np.array(
        [
            fit.draws["beta"][k]
            * hill(grid, fit.draws["half_saturation"][k], fit.draws["shape"][k])
            for k in range(fit.n_draws)
        ]
    )
    tail = (1 - level) / 2 * 100
    low, mid, high = np.percentile(curves, [tail, 50, 100 - tail], axis=0)
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    ax.scatter(xs, ys, s=6, alpha=0.25, color="#4a6fa5", label=f"observed weeks ({xs.size})")
    ax.fill_between(grid, low, high, color="#e07a5f", alpha=0.3, label=f"{level:.0%} interval")
    ax.plot(grid, mid, color="#c0392b", linewidth=2, label="fitted response (median)")
    ax.axvline(
        m["half_saturation"],
        color="grey",
        linestyle=":",
        linewidth=1,
        label=f"half saturation {m['half_saturation']:,.0f} USD",
    )
    ax.set_xlabel("adstocked weekly spend (USD)")
    ax.set_ylabel("weekly conversions, per average audience, season removed")
    ax.set_title(
        f"{fit.channel}: decay {m['decay']:.2f}, Hill shape {m['shape']:.2f} "
        f"({fit.n_observations} weeks of {fit.n_pairs} audiences)"
    )
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.2)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return int(xs.size)
