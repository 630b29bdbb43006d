"""The 30-day window behind R1."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.load.spikes import run_spikes
from tests.factories import make_runs

DAY = datetime(2026, 3, 1, 7)


def test_window_is_the_30_days_before_the_run_and_excludes_it() -> None:
    runs = [
        (DAY, 20),
        (DAY + timedelta(days=1), 10),
        (DAY + timedelta(days=31), 12),
        (DAY + timedelta(days=31, hours=2), 13),
    ]
    spikes = run_spikes(make_runs(runs))
    assert math.isnan(spikes["previous_max_m"].iloc[0])  # nothing before: returning
    assert spikes["previous_max_m"].iloc[1] == 20_000
    assert spikes["previous_max_m"].iloc[2] == 10_000  # the 20 km run is 31 days back
    assert spikes["spike_ratio"].iloc[2] == 1.2
    assert spikes["previous_max_m"].iloc[3] == 12_000  # same day, earlier run counts


def test_only_runs_are_compared() -> None:
    spikes = run_spikes(make_runs([(DAY, 80, 0, "ride"), (DAY + timedelta(days=1), 10)]))
    assert len(spikes) == 1
    assert math.isnan(spikes["spike_ratio"].iloc[0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120), st.floats(1, 42)), min_size=1, max_size=30))
def test_spike_never_fires_on_a_run_no_longer_than_the_30_day_max(
    specs: list[tuple[int, float]],
) -> None:
    runs = [(DAY + timedelta(days=d, minutes=i), km) for i, (d, km) in enumerate(specs)]
    spikes = run_spikes(make_runs(runs))
    for row in spikes.itertuples():
        if not math.isnan(row.previous_max_m) and row.distance_m <= row.previous_max_m:
            assert row.spike_ratio <= 1.0
        if row.spike_ratio > 1.10:
            assert row.distance_m > 1.10 * row.previous_max_m
