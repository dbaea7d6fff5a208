"""The audience x channel model's carryover into a later window."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from stratagraph.reasoning.pair_model import ChannelFit


def fit_with_carry(carry: list[float], decay: list[float], last_week: date) -> ChannelFit:
    draws = len(decay)
    return ChannelFit(
        channel="ch",
        draws={"decay": np.array(decay), "beta": np.ones(draws)},
        lift_shape=np.ones((draws, 1)),
        lift_rate=np.ones((draws, 1)),
        pair_index={"aud": 0},
        overdispersion=0.1,
        n_observations=10,
        n_pairs=1,
        carry_usd=np.array([carry]),
        last_week=last_week,
    )


def test_carryover_decays_per_draw_over_weeks_without_spend() -> None:
    last = date(2026, 10, 19)  # the Monday of the last week of history
    fit = fit_with_carry([100.0, 80.0], [0.5, 0.25], last)
    assert fit.carryover("aud").tolist() == [100.0, 80.0]
    assert fit.carryover("aud", last + timedelta(weeks=1)).tolist() == [100.0, 80.0]
    later = fit.carryover("aud", last + timedelta(weeks=4))  # three idle weeks between
    assert later == pytest.approx([100.0 * 0.5**3, 80.0 * 0.25**3])
    assert fit.carryover("other", last + timedelta(weeks=4)).tolist() == [0.0, 0.0]
