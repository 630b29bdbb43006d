"""Daily session-RPE load, monotony and strain (R5), and EWMA acute:chronic ratio (R6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from loadwatch.load.frames import EFFORT_RPE, LOAD, LOCAL_DATE, MOVING_S, SPORT, require_columns

# Default effort (0-10, Borg CR10) when the runner logged none: product defaults, documented in
# docs/rules.md. An easy run is "moderate" (5); low-impact sessions sit a step lower.
DEFAULT_EFFORT: Mapping[str, float] = {
    "run": 5.0,
    "ride": 4.0,
    "swim": 4.0,
    "cross_training": 4.0,
    "strength": 5.0,
    "hike": 3.0,
    "walk": 2.0,
    "other": 3.0,
}
# Planned and logged sessions without a file (issue #20, #22): loadwatch defaults, documented in
# docs/rules.md. A strength session is 30 minutes at the strength effort; a planned cross-training
# session 45 minutes at the ride effort; a run without a pace to go by, 6 minutes a kilometre.
STRENGTH_SESSION_S = 30 * 60.0
CROSS_TRAINING_SESSION_S = 45 * 60.0
DEFAULT_RUN_PACE_S_PER_M = 0.36
MONOTONY_CAP = 10.0  # identical loads every day give SD 0; report "10 or more" instead of infinity
ACUTE_DAYS, CHRONIC_DAYS = 7, 28


def session_load(activities: pd.DataFrame) -> pd.Series:
    """Session-RPE load per activity: effort (logged, else the sport default) x moving minutes."""
    require_columns(activities, {SPORT, MOVING_S, EFFORT_RPE})
    other = DEFAULT_EFFORT["other"]
    default = np.array([DEFAULT_EFFORT.get(s, other) for s in activities[SPORT]], dtype=float)
    logged = activities[EFFORT_RPE].to_numpy(dtype=float)
    effort = np.where(np.isnan(logged), default, logged)
    minutes = activities[MOVING_S].to_numpy(dtype=float) / 60.0
    return pd.Series(effort * minutes, index=activities.index, name=LOAD)


def daily_load(activities: pd.DataFrame, first_day: date, last_day: date) -> pd.Series:
    """Total session load per local day from `first_day` to `last_day`, rest days 0.

    Args:
        activities: `with_local_time` output with `sport`, `moving_s`, `effort_rpe`.

    Returns:
        Float series indexed by date (every day present).
    """
    require_columns(activities, {LOCAL_DATE})
    n_days = (last_day - first_day).days + 1
    days = [first_day + timedelta(days=i) for i in range(n_days)]
    offsets = np.array([d.toordinal() for d in activities[LOCAL_DATE]], dtype=np.int64)
    offsets -= first_day.toordinal()
    loads = session_load(activities).to_numpy(dtype=float)
    inside = (offsets >= 0) & (offsets < n_days)
    totals = np.bincount(offsets[inside], weights=loads[inside], minlength=n_days)
    return pd.Series(totals, index=days, dtype="float64", name=LOAD)


def with_logged_strength(
    daily: pd.Series, activities: pd.DataFrame, strength_dates: Sequence[date]
) -> pd.Series:
    """`daily` plus a default strength session (`STRENGTH_SESSION_S` at the strength effort) on
    each logged strength day that holds no strength activity from a file (issue #22): both kinds
    count in monotony (R5), once a day.

    Args:
        daily: `daily_load` output. activities: `with_local_time` output (`sport`, `local_date`).
        strength_dates: local days with a logged strength session.
    """
    if not strength_dates or daily.empty:
        return daily
    require_columns(activities, {SPORT, LOCAL_DATE})
    recorded = set(activities.loc[activities[SPORT] == "strength", LOCAL_DATE])
    load = DEFAULT_EFFORT["strength"] * STRENGTH_SESSION_S / 60.0
    days = set(strength_dates) - recorded
    added = [load if day in days else 0.0 for day in daily.index]
    return daily + pd.Series(added, index=daily.index, dtype="float64")


def monotony_and_strain(daily: pd.Series) -> tuple[float, float]:
    """Foster (1998) over the last 7 days of `daily`: (monotony, strain).

    monotony = mean / population SD of the 7 daily loads (capped at MONOTONY_CAP);
    strain = weekly load x monotony. Fewer than 7 days or no load: (0.0, 0.0).
    """
    week = daily.iloc[-7:]
    if len(week) < 7 or week.sum() <= 0:
        return 0.0, 0.0
    sd = float(week.std(ddof=0))
    monotony = MONOTONY_CAP if sd == 0 else min(float(week.mean()) / sd, MONOTONY_CAP)
    return monotony, float(week.sum()) * monotony


def acwr(daily: pd.Series) -> float | None:
    """EWMA acute:chronic workload ratio on the last day of `daily` (Williams et al. 2017).

    lambda = 2 / (N + 1) with N = 7 (acute) and 28 (chronic), started at the first day.
    Returns None until 28 days of data exist, or when nothing was logged in the last 28 days
    ("no recent running", not a ratio of near-zero EWMA tails such as 8.95e-201).
    """
    if len(daily) < CHRONIC_DAYS or not daily.iloc[-CHRONIC_DAYS:].gt(0).any():
        return None
    acute = daily.ewm(alpha=2 / (ACUTE_DAYS + 1), adjust=False).mean().iloc[-1]
    chronic = daily.ewm(alpha=2 / (CHRONIC_DAYS + 1), adjust=False).mean().iloc[-1]
    return float(acute / chronic) if chronic > 0 else None
