"""Local calendar weeks of running distance and their growth (RULES.md R2)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from loadwatch.load.frames import (
    AVG_CADENCE_SPM,
    DESCENT_M,
    DISTANCE_M,
    GROWTH_RATIO,
    LOCAL_DATE,
    MOVING_S,
    RUN_COUNT,
    RUN_DISTANCE_M,
    SPORT,
    STARTED_AT,
    UTC_OFFSET_S,
    WEEK_START,
    require_columns,
)

RUN_SPORT = "run"


def with_local_time(activities: pd.DataFrame) -> pd.DataFrame:
    """Add `local_date` (the local calendar day) from each activity's stored offset.

    Args:
        activities: needs `started_at` (UTC-aware) and `utc_offset_s` (seconds).

    Returns:
        A copy with the column added; empty input gives an empty frame with it.
    """
    require_columns(activities, {STARTED_AT, UTC_OFFSET_S})
    # NumPy on the UTC nanoseconds: a squad view does this for every athlete (issue #5).
    utc = activities[STARTED_AT].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[s]")
    offsets = activities[UTC_OFFSET_S].fillna(0).to_numpy(dtype="int64").astype("timedelta64[s]")
    local = utc + offsets
    return activities.assign(**{LOCAL_DATE: local.astype("datetime64[D]").astype(object)})


def runs_only(activities: pd.DataFrame) -> pd.DataFrame:
    """Running activities only (road, trail, treadmill, track all have sport `run`)."""
    require_columns(activities, {SPORT})
    return activities[activities[SPORT] == RUN_SPORT]


def week_start_of(day: date, week_start: int = 0) -> date:
    """First day of the local calendar week containing `day` (week_start: 0=Monday..6=Sunday)."""
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def weekly_distance(
    activities: pd.DataFrame, as_of: date, week_start: int = 0, first_week: date | None = None
) -> pd.DataFrame:
    """Running distance per local calendar week, empty weeks present as 0 m.

    Args:
        activities: `with_local_time` output (any sports; only runs are counted), needing
            `local_date`, `sport`, `distance_m`, `moving_s`, `descent_m`, `avg_cadence_spm`.
        as_of: the last day counted; runs after it are ignored.
        week_start: first weekday of a week, 0=Monday ... 6=Sunday.
        first_week: the first week to list (default: the week of the first run).

    Returns:
        One row per week, oldest first: `week_start` (date), `run_distance_m` (metres),
        `runs` (count), `descent_m` (metres of running descent), `avg_cadence_spm` (moving-
        time-weighted mean of runs with cadence, NaN without). No runs: an empty frame.
    """
    require_columns(
        activities, {LOCAL_DATE, SPORT, DISTANCE_M, MOVING_S, DESCENT_M, AVG_CADENCE_SPM}
    )
    runs = runs_only(activities)
    runs = runs[runs[LOCAL_DATE] <= as_of]
    columns = [WEEK_START, RUN_DISTANCE_M, RUN_COUNT, DESCENT_M, AVG_CADENCE_SPM]
    if runs.empty and first_week is None:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    # Whole-array arithmetic on day numbers: a squad view runs this for every athlete (issue #5).
    days = np.array([d.toordinal() for d in runs[LOCAL_DATE]], dtype=np.int64)
    last = week_start_of(as_of, week_start)
    first = first_week or week_start_of(date.fromordinal(int(days.min())), week_start)
    n_weeks = (last - first).days // 7 + 1
    index = (days - first.toordinal()) // 7
    keep = index >= 0
    index = index[keep]

    def total(values: pd.Series) -> np.ndarray:
        array = np.nan_to_num(values.to_numpy(dtype=float)[keep])
        return np.bincount(index, weights=array, minlength=n_weeks)[:n_weeks]

    cadence = runs[AVG_CADENCE_SPM].to_numpy(dtype=float)[keep]
    weight = np.where(np.isnan(cadence), 0.0, runs[MOVING_S].to_numpy(dtype=float)[keep])
    cadence_x_s = np.bincount(index, weights=np.nan_to_num(cadence) * weight, minlength=n_weeks)
    cadence_s = np.bincount(index, weights=weight, minlength=n_weeks)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_cadence = np.where(cadence_s > 0, cadence_x_s / cadence_s, np.nan)[:n_weeks]
    return pd.DataFrame(
        {
            WEEK_START: [first + timedelta(weeks=i) for i in range(n_weeks)],
            RUN_DISTANCE_M: total(runs[DISTANCE_M]),
            RUN_COUNT: np.bincount(index, minlength=n_weeks)[:n_weeks].astype("int64"),
            DESCENT_M: total(runs[DESCENT_M]),
            AVG_CADENCE_SPM: mean_cadence,
        }
    )


def week_over_week_growth(weekly: pd.DataFrame) -> pd.Series:
    """Fractional change in weekly running distance versus the previous week.

    Args:
        weekly: `weekly_distance` output.

    Returns:
        Float series aligned with `weekly` (0.25 = +25 %). NaN for the first week and wherever
        the previous week is 0 m: growth from zero is undefined ("returning", not infinite).
    """
    require_columns(weekly, {WEEK_START, RUN_DISTANCE_M})
    previous = weekly[RUN_DISTANCE_M].shift(1)
    return (weekly[RUN_DISTANCE_M] / previous.where(previous > 0) - 1).rename(GROWTH_RATIO)


def four_week_mean(weekly: pd.DataFrame) -> pd.Series:
    """Mean running distance (metres) of the four weeks before each week (NaN until 4 exist)."""
    require_columns(weekly, {RUN_DISTANCE_M})
    return (
        weekly[RUN_DISTANCE_M].shift(1).rolling(4, min_periods=4).mean().rename("four_week_mean_m")
    )
