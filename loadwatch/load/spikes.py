"""Single-run spikes: each run against the longest run of the 30 days before it (RULES.md R1)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from loadwatch.load.frames import (
    DISTANCE_M,
    PREVIOUS_MAX_M,
    SPIKE_RATIO,
    STARTED_AT,
    require_columns,
)
from loadwatch.load.weekly import runs_only

WINDOW = np.timedelta64(30, "D")  # R1: the 30 days before each run [frandsen2025]


def run_spikes(activities: pd.DataFrame) -> pd.DataFrame:
    """For every run: the longest run in the 30 days before it, and the spike ratio.

    Args:
        activities: needs `sport`, `started_at` (UTC), `distance_m`; non-runs are ignored.

    Returns:
        The runs, oldest first, with `previous_max_m` (metres; NaN when no run in the window:
        "returning after a break") and `spike_ratio` (distance / previous_max_m; NaN likewise).
        The window is [start - 30 days, start): the run itself never counts.
    """
    require_columns(activities, {STARTED_AT, DISTANCE_M})
    runs = runs_only(activities).sort_values(STARTED_AT).reset_index(drop=True)
    starts = runs[STARTED_AT].dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
    distances = runs[DISTANCE_M].to_numpy(dtype=float)
    window_starts = np.searchsorted(starts, starts - WINDOW, side="left")
    previous = np.full(len(runs), np.nan)
    for i, first in enumerate(window_starts):
        if first < i:
            previous[i] = distances[first:i].max()
    runs[PREVIOUS_MAX_M] = previous
    with np.errstate(divide="ignore", invalid="ignore"):
        runs[SPIKE_RATIO] = np.where(previous > 0, distances / previous, np.nan)
    return runs
