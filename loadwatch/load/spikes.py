"""Single-run spikes: each run against the longest run of the 30 days before it (RULES.md R1)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from loadwatch.load.frames import (
    DISTANCE_M,
    PREVIOUS_MAX_M,
    SPIKE_RATIO,
    STARTED_AT,
    UTC_OFFSET_S,
    require_columns,
)
from loadwatch.load.weekly import runs_only

WINDOW_DAYS = 30  # R1: the 30 days before each run [frandsen2025]


def run_spikes(activities: pd.DataFrame) -> pd.DataFrame:
    """For every run: the longest run in the 30 days before it, and the spike ratio.

    Args:
        activities: needs `sport`, `started_at` (UTC), `distance_m`; `utc_offset_s` (seconds)
            when present places each run on its local day; non-runs are ignored.

    Returns:
        The runs, oldest first, with `previous_max_m` (metres; NaN when no run in the window:
        "returning after a break") and `spike_ratio` (distance / previous_max_m; NaN likewise).
        The window is the 30 local days before the run's day plus earlier runs of that day: the
        run itself never counts. Local days, not 30 x 24 h, so that R1, breaks and the plan's
        per-day caps share one definition (issue #9).
    """
    require_columns(activities, {STARTED_AT, DISTANCE_M})
    runs = runs_only(activities).sort_values(STARTED_AT).reset_index(drop=True)
    utc = runs[STARTED_AT].dt.tz_convert(None).to_numpy(dtype="datetime64[s]")
    offsets = (
        runs[UTC_OFFSET_S].fillna(0).to_numpy(dtype="int64").astype("timedelta64[s]")
        if UTC_OFFSET_S in runs.columns
        else np.zeros(len(runs), dtype="timedelta64[s]")
    )
    days = (utc + offsets).astype("datetime64[D]").astype(np.int64)
    order = np.argsort(days, kind="stable")  # by local day, then start: travel can reorder
    runs = runs.iloc[order].reset_index(drop=True)
    days = days[order]
    distances = runs[DISTANCE_M].to_numpy(dtype=float)
    window_starts = np.searchsorted(days, days - WINDOW_DAYS, side="left")
    previous = np.full(len(runs), np.nan)
    for i, first in enumerate(window_starts):
        if first < i:
            previous[i] = distances[first:i].max()
    runs[PREVIOUS_MAX_M] = previous
    with np.errstate(divide="ignore", invalid="ignore"):
        runs[SPIKE_RATIO] = np.where(previous > 0, distances / previous, np.nan)
    return runs
