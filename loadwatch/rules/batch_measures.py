"""R5 and R6's measures for a whole squad at once (issue #27): the last 7 days' monotony,
strain and load and the EWMA acute:chronic ratio of every athlete's daily load, one NumPy pass
over the squad, each equal to the last bit to what `monotony_and_strain` and `acwr`
(load/daily.py) give for that athlete alone (tests/rules/test_batch_measures.py).

The squad (rules/batch.py) hands them to each athlete's context (`RuleContext.prepare`), so
the monotony and ACWR rules and the squad's screen read them instead of a dozen small pandas
operations per athlete. Also `window_max`, the longest run of each run's previous 30 days
for the whole squad (R1's spikes, rules/batch.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from functools import partial

import numpy as np
import pandas as pd

from loadwatch.load.daily import ACUTE_DAYS, CHRONIC_DAYS, MONOTONY_CAP
from loadwatch.load.frames import EFFORT_RPE
from loadwatch.rules.context import RuleContext
from loadwatch.rules.monotony import ACWR_MEMO, MONOTONY_MEMO, WeekMonotony

WEEK_DAYS = 7  # monotony_and_strain's week


def _ewm_last(loads: np.ndarray, first: np.ndarray, days: int) -> np.ndarray:
    """The last value of `Series.ewm(alpha=2 / (days + 1), adjust=False).mean()` of each row
    of `loads` from its column `first` on, in pandas' own arithmetic (pandas/_libs/window/
    aggregations.pyx `ewm`): alpha goes through the centre of mass and back, each step is
    normalised by the weights' sum, and a step whose value equals the mean keeps the mean."""
    alpha = 2 / (days + 1)
    com = (1.0 - alpha) / alpha  # pandas' get_center_of_mass(alpha=...)
    alpha = 1.0 / (1.0 + com)
    old, new = 1.0 - alpha, alpha
    weighted = np.zeros(loads.shape[0])
    for column in range(loads.shape[1]):
        current = loads[:, column]
        step = (old * weighted + new * current) / (old + new)
        moved = np.where(weighted != current, step, weighted)
        weighted = np.where(column > first, moved, np.where(column == first, current, 0.0))
    return weighted


def squad_daily_measures(
    daily: Mapping[int, pd.Series | np.ndarray],
) -> tuple[dict[int, tuple[float, float, float]], dict[int, float | None]]:
    """Every athlete's R5 week and R6 ratio from its daily load (`daily_load` output).

    Args:
        daily: athlete id -> daily session load (session-RPE units; a Series or its values),
            every day present, the last one the day evaluated.

    Returns:
        (athlete id -> (monotony, strain, the last 7 days' load), as `monotony_and_strain`
        and `daily.iloc[-7:].sum()` give them; athlete id -> `acwr(daily)`, None where it
        gives None). Nothing for an empty squad.
    """
    if not daily:
        return {}, {}
    ids = list(daily)
    series = [np.asarray(daily[a], dtype=float) for a in ids]
    lengths = np.array([len(s) for s in series], dtype=np.int64)
    longest = max(int(lengths.max()), WEEK_DAYS)
    # right-aligned (the last day in the last column), zeros before each athlete's first day:
    # leading zeros change no sum, and the EWMA starts at each athlete's first column
    loads = np.zeros((len(ids), longest))
    for row, values in enumerate(series):
        loads[row, longest - len(values) :] = values
    week = loads[:, -WEEK_DAYS:]
    total = week.sum(axis=1)  # left to right, as Series.sum of 7 values
    mean = week.mean(axis=1)
    sd = week.std(axis=1)  # population SD, pandas' nanvar arithmetic
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(sd == 0, MONOTONY_CAP, np.minimum(mean / sd, MONOTONY_CAP))
    is_week = (lengths >= WEEK_DAYS) & (total > 0)
    first = longest - lengths
    acute = _ewm_last(loads, first, ACUTE_DAYS)
    chronic = _ewm_last(loads, first, CHRONIC_DAYS)
    recent = (loads[:, -CHRONIC_DAYS:] > 0).any(axis=1)
    has_ratio = (lengths >= CHRONIC_DAYS) & recent & (chronic > 0)
    weeks: dict[int, tuple[float, float, float]] = {}
    ratios: dict[int, float | None] = {}
    for row, athlete_id in enumerate(ids):
        value = float(ratio[row]) if is_week[row] else 0.0
        strain = float(total[row]) * value if is_week[row] else 0.0
        weeks[athlete_id] = (value, strain, float(total[row]))
        ratios[athlete_id] = float(acute[row] / chronic[row]) if has_ratio[row] else None
    return weeks, ratios


def _given(value: object) -> object:
    return value


def prepare_daily_measures(
    contexts: Mapping[int, RuleContext],
    daily: Mapping[int, pd.Series | np.ndarray],
    local: pd.DataFrame,
    days: np.ndarray,
    bounds: Mapping[int, tuple[int, int]],
    as_of_day: int,
) -> None:
    """R5 and R6's measures of every athlete in one pass (rules/batch_measures.py), handed to
    each context for the monotony and ACWR rules and the screen. An athlete with a logged
    strength session in the last 7 days keeps the rule's own computation (it adds to the week)."""
    weeks, ratios = squad_daily_measures(daily)
    in_week = days > as_of_day - WEEK_DAYS
    rated = in_week & ~np.isnan(local[EFFORT_RPE].to_numpy(dtype=float))
    sessions = np.concatenate([[0], np.cumsum(in_week)])
    logged = np.concatenate([[0], np.cumsum(rated)])
    for athlete_id, ctx in contexts.items():
        ctx.prepare(ACWR_MEMO, partial(_given, ratios[athlete_id]))
        week = ctx.as_of - timedelta(days=WEEK_DAYS)
        if any(d > week for d in ctx.strength_dates):
            continue
        a, b = bounds[athlete_id]
        value, strain, load = weeks[athlete_id]
        counts = int(sessions[b] - sessions[a]), int(logged[b] - logged[a])
        ctx.prepare(MONOTONY_MEMO, partial(_given, WeekMonotony(value, strain, load, *counts)))


def window_max(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """max(values[starts[i]:i]) for every i (NaN where the window is empty), from a sparse
    table of maxima over power-of-two blocks: two lookups per row instead of a loop. Maxima are
    exact, so the answer is the loop's to the last bit (NaN values propagate as in `max`)."""
    n = len(values)
    previous = np.full(n, np.nan)
    ends = np.arange(n, dtype=np.int64)
    lengths = ends - starts
    has = lengths > 0
    if not has.any():
        return previous
    table = [values]
    while 2 ** len(table) <= int(lengths.max()):
        half = 2 ** (len(table) - 1)
        last = table[-1]
        table.append(np.maximum(last[:-half], last[half:]))
    level = np.zeros(n, dtype=np.int64)
    level[has] = np.frexp(lengths[has].astype(float))[1] - 1  # floor(log2), exactly
    for k in np.unique(level[has]):
        rows = has & (level == k)
        block = table[int(k)]
        left = block[starts[rows]]
        right = block[ends[rows] - 2 ** int(k)]
        previous[rows] = np.maximum(left, right)
    return previous
