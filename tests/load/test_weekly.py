"""Weekly local-calendar distance, growth and their edges (RULES.md R2)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.load.weekly import (
    four_week_mean,
    week_over_week_growth,
    weekly_distance,
    with_local_time,
)
from tests.factories import make_runs

MONDAY = date(2026, 3, 2)


def _weekly(runs, as_of, week_start=0):
    return weekly_distance(with_local_time(make_runs(runs)), as_of, week_start)


def test_sunday_2330_in_new_york_belongs_to_that_sundays_week() -> None:
    # Sunday 8 March 2026, 23:30 EDT (UTC-4) is Monday 03:30 UTC.
    weekly = _weekly([(datetime(2026, 3, 8, 23, 30), 10, -4)], date(2026, 3, 9))
    assert list(weekly["week_start"]) == [date(2026, 3, 2), date(2026, 3, 9)]
    assert list(weekly["run_distance_m"]) == [10_000.0, 0.0]


def test_time_zone_change_mid_week_uses_each_runs_own_offset() -> None:
    runs = [
        (datetime(2026, 3, 2, 7, 0), 5, 1),  # Monday in Zurich
        (datetime(2026, 3, 8, 22, 0), 6, -5),  # Sunday night in New York: Monday 03:00 UTC
        (datetime(2026, 3, 9, 6, 0), 7, 9),  # Monday in Tokyo: Sunday 21:00 UTC
    ]
    weekly = _weekly(runs, date(2026, 3, 9))
    assert list(weekly["run_distance_m"]) == [11_000.0, 7_000.0]


def test_empty_weeks_are_present_as_zero_and_other_sports_do_not_count() -> None:
    runs = [
        (datetime(2026, 3, 2, 7), 10),
        (datetime(2026, 3, 4, 7), 30, 0, "ride"),
        (datetime(2026, 3, 18, 7), 8),
    ]
    weekly = _weekly(runs, date(2026, 3, 22))
    assert list(weekly["run_distance_m"]) == [10_000.0, 0.0, 8_000.0]
    assert list(weekly["runs"]) == [1, 0, 1]


def test_week_start_is_configurable() -> None:
    runs = [(datetime(2026, 3, 7, 7), 10), (datetime(2026, 3, 8, 7), 5)]  # Saturday, Sunday
    assert list(_weekly(runs, date(2026, 3, 8), week_start=0)["run_distance_m"]) == [15_000.0]
    sunday_weeks = _weekly(runs, date(2026, 3, 8), week_start=6)
    assert list(sunday_weeks["week_start"]) == [date(2026, 3, 1), date(2026, 3, 8)]
    assert list(sunday_weeks["run_distance_m"]) == [10_000.0, 5_000.0]


def test_growth_is_nan_for_the_first_week_and_after_a_zero_week() -> None:
    weekly = pd.DataFrame(
        {
            "week_start": [MONDAY + timedelta(weeks=i) for i in range(4)],
            "run_distance_m": [10_000.0, 0.0, 12_000.0, 13_200.0],
        }
    )
    growth = week_over_week_growth(weekly)
    assert growth.isna().tolist() == [True, False, True, False]
    assert growth.iloc[1] == -1.0
    assert growth.iloc[3] == pytest.approx(0.10)


def test_four_week_mean() -> None:
    weekly = pd.DataFrame({"run_distance_m": [20_000.0, 20_000.0, 20_000.0, 20_000.0, 26_000.0]})
    assert four_week_mean(weekly).iloc[-1] == 20_000.0
    assert four_week_mean(weekly).iloc[:4].isna().all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 200), st.integers(0, 23), st.floats(0.5, 40), st.integers(-10, 12)
        ),
        min_size=1,
        max_size=40,
    )
)
def test_sum_of_weeks_equals_sum_of_runs(specs: list[tuple[int, int, float, int]]) -> None:
    runs = [(datetime(2026, 1, 5) + timedelta(days=d, hours=h), km, off) for d, h, km, off in specs]
    frame = with_local_time(make_runs(runs))
    as_of = max(frame["local_date"])
    weekly = weekly_distance(frame, as_of)
    assert weekly["run_distance_m"].sum() == pytest.approx(frame["distance_m"].sum())
    assert weekly["runs"].sum() == len(runs)
