"""Readers for the two public media-mix datasets the response model is checked against (the
copies in tests/data, with their source notes): PyMC-Marketing's simulated example, whose true
process is known, and Meridian's simulated geo panel, with Meridian's published results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .design import MediaData

MERIDIAN_CHANNELS = tuple(f"Channel{i}" for i in range(5))
# the controls of Meridian's published run; the panel also has a Promo column
MERIDIAN_CONTROLS = ("competitor_sales_control", "sentiment_score_control")


def pymc_example(path: Path, weeks: int | None = None) -> MediaData:
    """The example's weekly series; the events are controls (the model brings its own trend
    and yearly Fourier terms). `weeks` keeps only the first weeks."""
    frame = pd.read_csv(path, parse_dates=["date_week"])
    frame = frame.iloc[:weeks] if weeks else frame
    return MediaData(
        periods=frame["date_week"].to_numpy().astype("datetime64[D]"),
        spend=frame[["x1", "x2"]].to_numpy()[None],
        outcome=frame["y"].to_numpy()[None],
        channels=("x1", "x2"),
        controls=frame[["event_1", "event_2"]].to_numpy()[None],
        control_names=("event_1", "event_2"),
    )


def meridian_geo(path: Path, controls: tuple[str, ...] = MERIDIAN_CONTROLS) -> MediaData:
    """The geo x week panel with the given control columns."""
    frame = pd.read_csv(path, index_col=0, parse_dates=["time"]).sort_values(["geo", "time"])
    geos = tuple(frame["geo"].unique())
    periods = np.sort(frame["time"].unique()).astype("datetime64[D]")
    shape = (len(geos), len(periods))
    return MediaData(
        periods=periods,
        spend=frame[[f"{c}_spend" for c in MERIDIAN_CHANNELS]].to_numpy().reshape(*shape, -1),
        outcome=frame["conversions"].to_numpy().reshape(shape),
        channels=MERIDIAN_CHANNELS,
        controls=frame[list(controls)].to_numpy().reshape(*shape, -1),
        control_names=controls,
        revenue_per_outcome=frame["revenue_per_conversion"].to_numpy().reshape(shape),
        geos=geos,
        population=frame.groupby("geo", sort=False)["population"].first().to_numpy(),
    )
