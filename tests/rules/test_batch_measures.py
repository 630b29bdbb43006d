"""R5 and R6's measures computed for a squad at once equal, to the last bit, what load/daily.py
gives for each athlete's own daily load (issue #27)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.load.daily import acwr, monotony_and_strain
from loadwatch.load.frames import LOAD
from loadwatch.rules.batch_measures import squad_daily_measures

LAST_DAY = date(2026, 6, 17)

# Session-RPE loads: rest days (0), whole-minute sessions, any float, and runs of one value
# (the EWMA's "value equals the mean" step and monotony's SD of 0).
load = st.one_of(
    st.just(0.0),
    st.integers(1, 900).map(float),
    st.floats(0, 2_000, allow_nan=False),
    st.just(300.0),
)
athlete_daily = st.one_of(
    st.lists(load, min_size=1, max_size=130),
    st.tuples(st.integers(1, 130), load).map(lambda n_value: [n_value[1]] * n_value[0]),
)


def _series(values: list[float]) -> pd.Series:
    first = LAST_DAY - timedelta(days=len(values) - 1)
    days = [first + timedelta(days=i) for i in range(len(values))]
    return pd.Series(values, index=days, dtype="float64", name=LOAD)


@settings(max_examples=300, deadline=None)
@given(st.lists(athlete_daily, min_size=1, max_size=6))
def test_the_squads_monotony_and_acwr_are_each_athletes_own(squad: list[list[float]]) -> None:
    daily = {athlete_id: _series(values) for athlete_id, values in enumerate(squad, start=1)}
    weeks, ratios = squad_daily_measures(daily)
    for athlete_id, series in daily.items():
        value, strain = monotony_and_strain(series)
        # repr: the same floats to the last digit
        assert repr(weeks[athlete_id]) == repr((value, strain, float(series.iloc[-7:].sum())))
        assert repr(ratios[athlete_id]) == repr(acwr(series))


def test_a_long_steady_log_has_a_ratio_and_a_capped_monotony() -> None:
    """Not vacuous: 60 days of the same load give ACWR 1 and monotony at its cap."""
    weeks, ratios = squad_daily_measures({1: _series([300.0] * 60)})
    assert ratios[1] == acwr(_series([300.0] * 60)) == 1.0
    assert weeks[1] == (10.0, 21_000.0, 2_100.0)


def test_an_empty_squad_has_no_measures() -> None:
    assert squad_daily_measures({}) == ({}, {})
