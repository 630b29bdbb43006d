"""Rule contexts for a whole squad at once (issue #27): the measures of `rule_context` (local
days, weeks, spikes, daily load, shoe mileage) computed on one frame of every athlete's
activities, then cut into one `RuleContext` per athlete, equal to what `rule_context` builds
from that athlete's frames alone (tests/rules/test_batch.py checks this on random squads).

`rule_context` called once per athlete spent most of a 200-athlete squad view in pandas'
fixed cost of small operations (a few hundred microseconds each, a dozen per athlete); here
each measure is one NumPy pass over the squad and each athlete costs a few slices.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from loadwatch.domain import InjuryPeriod, Sport
from loadwatch.load.daily import session_load
from loadwatch.load.frames import (
    ACTIVITY_ID,
    AVG_CADENCE_SPM,
    DESCENT_M,
    DISTANCE_M,
    LOAD,
    LOCAL_DATE,
    MOVING_S,
    PREVIOUS_MAX_M,
    RUN_COUNT,
    RUN_DISTANCE_M,
    SHOE_ID,
    SPIKE_RATIO,
    SPORT,
    STARTED_AT,
    UTC_OFFSET_S,
    WEEK_START,
    require_columns,
)
from loadwatch.load.shoes import shoe_mileage, shoe_status
from loadwatch.load.spikes import WINDOW_DAYS
from loadwatch.load.weekly import RUN_SPORT
from loadwatch.rules.batch_measures import prepare_daily_measures, window_max
from loadwatch.rules.batch_pain import judged_pain, mornings_of, pain_columns
from loadwatch.rules.context import (
    ACTIVITY_DAYS_MEMO,
    SPIKE_COLUMNS_MEMO,
    WEEKLY_COLUMNS_MEMO,
    ActivityDays,
    RuleContext,
    SpikeColumns,
    WeeklyColumns,
)
from loadwatch.rules.pain import LOOKBACK_DAYS as PAIN_LOOKBACK_DAYS
from loadwatch.rules.pain import (
    MORNINGS_MEMO,
    PAIN_DAYS_MEMO,
    PAIN_LIST_COLUMNS,
    PAIN_LISTS_MEMO,
    RECENT_PAIN_DAYS_MEMO,
    PainLists,
)
from loadwatch.rules.shoes import SHOE_LIST_COLUMNS, SHOE_LISTS_MEMO, ShoeLists
from loadwatch.rules.thresholds import Thresholds
from loadwatch.units import DistanceUnit

ATHLETE_ID = "athlete_id"
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_L = TypeVar("_L")
_STRIDE_DAYS = 10_000_000  # athlete rank x stride + day: one sorted key, windows never cross


@dataclass(frozen=True, slots=True)
class AthleteView:
    """One athlete's view settings, as `rule_context` takes them."""

    units: DistanceUnit = DistanceUnit.KM
    week_start: int = 0
    thresholds: Thresholds | None = None


def _bounds(keys: np.ndarray, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Each athlete's [start, end) rows in a frame sorted by athlete id."""
    wanted = np.asarray(list(ids), dtype=np.int64)
    starts = np.searchsorted(keys, wanted, side="left")
    ends = np.searchsorted(keys, wanted, side="right")
    return {int(a): (int(s), int(e)) for a, s, e in zip(wanted, starts, ends, strict=True)}


def _sorted_by_athlete(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The frame stably sorted by athlete (each athlete's rows keep their order), its athlete
    ids, and each row's position within its athlete's rows (the index `_split` gives)."""
    keys = frame[ATHLETE_ID].to_numpy(dtype=np.int64)
    if not (keys[1:] >= keys[:-1]).all():  # the repository's frames come sorted: no copy
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        frame = frame.iloc[order]
    starts = np.searchsorted(keys, keys, side="left")
    positions = np.arange(len(keys), dtype=np.int64) - starts
    return frame.drop(columns=[ATHLETE_ID]), keys, positions


def _local_days(frame: pd.DataFrame) -> np.ndarray:
    """Local day of each activity as days since 1970 (`with_local_time`'s arithmetic)."""
    utc = frame[STARTED_AT].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[s]")
    offsets = frame[UTC_OFFSET_S].fillna(0).to_numpy(dtype="int64").astype("timedelta64[s]")
    days: np.ndarray = (utc + offsets).astype("datetime64[D]").astype(np.int64)
    return days


def _as_dates(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype(object)


def squad_contexts(
    activities: pd.DataFrame,
    shoes: pd.DataFrame,
    pain: pd.DataFrame,
    as_of: date,
    athletes: Mapping[int, AthleteView],
    injuries: Mapping[int, Sequence[InjuryPeriod]] | None = None,
    strength: Mapping[int, tuple[Sequence[date], int | None]] | None = None,
    pain_from: Mapping[int, date] | None = None,
) -> dict[int, RuleContext]:
    """`rule_context` for every athlete of `athletes` at once.

    Args:
        activities: ACTIVITY_COLUMNS plus `athlete_id`, every athlete's rows, each athlete's
            oldest first (repository order); any history length.
        shoes: SHOE_COLUMNS plus `athlete_id`. pain: PAIN_COLUMNS plus `athlete_id`, each
            athlete's oldest first.
        as_of: the local day evaluated (later activities, entries and injuries are ignored).
        athletes: athlete id -> units, week start and thresholds; athletes without rows get
            the contexts of an empty log.
        injuries: athlete id -> injury periods.
        strength: athlete id -> (local days with a logged strength session, the programme's
            sessions a week or None), as `rule_context` takes them (issue #22).
        pain_from: athlete id -> the day from which `pain` holds every entry, for athletes
            whose entries were read as `db.frames.squad_pain_frame` cuts them (from
            `batch_pain.pain_window_start` on, the first entries and the older entries of
            the window's runs); their whole history of judged days is then refused
            (LookupError), the last week's is the whole history's.

    Returns:
        Athlete id -> the context `rule_context` gives for that athlete's frames.
    """
    require_columns(activities, {ATHLETE_ID, STARTED_AT, UTC_OFFSET_S, SPORT, DISTANCE_M})
    require_columns(shoes, {ATHLETE_ID, "shoe_id"})
    require_columns(pain, {ATHLETE_ID, "entry_date"})
    injuries = injuries or {}
    strength = strength or {}
    ids = list(athletes)
    as_of_day = as_of.toordinal() - _EPOCH_ORDINAL

    acts, act_keys, act_pos = _sorted_by_athlete(activities)
    days = _local_days(acts) if len(acts) else np.zeros(0, dtype=np.int64)
    local = acts.assign(**{LOCAL_DATE: _as_dates(days)})
    keep = days <= as_of_day
    local = local[keep].copy()  # one block per dtype: each athlete's slice needs no consolidation
    local.index = pd.Index(act_pos[keep])
    keys, days = act_keys[keep], days[keep]
    act_bounds = _bounds(keys, ids)

    is_run = (local[SPORT] == RUN_SPORT).to_numpy()
    is_strength = (local[SPORT] == Sport.STRENGTH).to_numpy()
    spikes, spike_bounds = _spikes(local, keys, days, is_run, ids)
    spike_lists = [
        spikes[c].tolist()
        for c in (LOCAL_DATE, DISTANCE_M, SPIKE_RATIO, PREVIOUS_MAX_M, ACTIVITY_ID)
    ]
    weekly = _weekly(local, keys, days, is_run, athletes, as_of)
    daily = _daily(local, keys, days, act_bounds, as_of_day)
    shoe_parts = _shoes(local, is_run, shoes, ids)

    pains, pain_keys, pain_pos = _sorted_by_athlete(pain)
    if len(pains):
        entry = pains["entry_date"].to_numpy(dtype=object)
        kept = np.fromiter((d <= as_of for d in entry), dtype=bool, count=len(entry))
        pains = pains[kept]
        pains.index = pd.Index(pain_pos[kept])
        pain_keys = pain_keys[kept]
    pain_bounds = _bounds(pain_keys, ids)
    empty_pain = pain.drop(columns=[ATHLETE_ID]).iloc[0:0]
    judged_columns = pain_columns(pains)
    pain_lists = [pains[c].tolist() for c in PAIN_LIST_COLUMNS]
    limits = {a: view.thresholds or Thresholds() for a, view in athletes.items()}
    judged = judged_pain(judged_columns, pain_bounds, limits, as_of, pain_from=pain_from)
    recent = judged_pain(
        judged_columns,
        pain_bounds,
        limits,
        as_of,
        as_of - timedelta(days=PAIN_LOOKBACK_DAYS),
        pain_from,
    )

    contexts = {}
    for athlete_id in ids:
        view = athletes[athlete_id]
        a, b = act_bounds[athlete_id]
        p, q = pain_bounds[athlete_id]
        s, t = spike_bounds[athlete_id]
        periods = tuple(
            sorted(
                (
                    i if i.end_date is None or i.end_date <= as_of else replace(i, end_date=None)
                    for i in injuries.get(athlete_id, ())
                    if i.start_date <= as_of
                ),
                key=lambda i: (i.start_date, i.id),
            )
        )
        # the frames are built when a rule first reads them (most rules read column lists)
        contexts[athlete_id] = RuleContext.deferred(
            {
                "activities": partial(_rows, local, a, b),
                "weekly": weekly[athlete_id][0],
                "spikes": partial(_part, spikes, s, t),
                "shoes": shoe_parts[athlete_id][0],
                "pain": partial(_rows, pains, p, q) if q > p else partial(_given, empty_pain),
                "daily": daily[athlete_id][1],
            },
            as_of=as_of,
            units=view.units,
            week_start=view.week_start,
            thresholds=view.thresholds or Thresholds(),
            injuries=periods,
            strength_dates=tuple(
                sorted({d for d in strength.get(athlete_id, ((), None))[0] if d <= as_of})
            ),
            strength_target_per_week=strength.get(athlete_id, ((), None))[1],
        )
        # the pain rule, the pain status and the injury rules read these through `pain_days`
        contexts[athlete_id].prepare(PAIN_DAYS_MEMO, judged[athlete_id])
        contexts[athlete_id].prepare(MORNINGS_MEMO, partial(mornings_of, judged_columns, p, q))
        contexts[athlete_id].prepare(RECENT_PAIN_DAYS_MEMO, recent[athlete_id])
        contexts[athlete_id].prepare(
            SPIKE_COLUMNS_MEMO, partial(_rows_of, SpikeColumns, spike_lists, s, t)
        )
        contexts[athlete_id].prepare(SHOE_LISTS_MEMO, shoe_parts[athlete_id][1])
        contexts[athlete_id].prepare(WEEKLY_COLUMNS_MEMO, weekly[athlete_id][1])
        contexts[athlete_id].prepare(
            ACTIVITY_DAYS_MEMO, partial(_activity_days, days, is_strength, a, b)
        )
        contexts[athlete_id].prepare(
            PAIN_LISTS_MEMO, partial(_rows_of, PainLists, pain_lists, p, q)
        )
    loads = {a: values for a, (values, _) in daily.items()}
    prepare_daily_measures(contexts, loads, local, days, act_bounds, as_of_day)
    return contexts


def _rows_of(kind: Callable[..., _L], lists: Sequence[list[Any]], start: int, end: int) -> _L:
    """An athlete's column lists (`spike_columns`, `shoe_lists`, `pain_lists`): rows
    [start, end) of the squad's lists."""
    return kind(*(column[start:end] for column in lists))


def _rows(frame: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Rows [start, end) of a squad frame, its index kept."""
    return frame.iloc[start:end]


def _given(value: _L) -> _L:
    return value


def _part(frame: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Rows [start, end) of a squad frame indexed 0..n-1, as `reset_index(drop=True)` gives
    them, without copying them (each athlete's rules only read their own rows)."""
    part = frame.iloc[start:end]
    part.index = pd.RangeIndex(end - start)
    return part


def _spikes(
    local: pd.DataFrame,
    keys: np.ndarray,
    days: np.ndarray,
    is_run: np.ndarray,
    ids: Sequence[int],
) -> tuple[pd.DataFrame, dict[int, tuple[int, int]]]:
    """`run_spikes` for every athlete: runs by athlete, local day, then start time."""
    runs = local[is_run].reset_index(drop=True)
    run_keys, run_days = keys[is_run], days[is_run]
    starts = runs[STARTED_AT].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    # run_spikes sorts by start (stable), then by local day (stable)
    order = np.lexsort((starts, run_keys))
    order = order[np.lexsort((run_days[order], run_keys[order]))]
    runs = runs.iloc[order].reset_index(drop=True)
    run_keys, run_days = run_keys[order], run_days[order]
    rank = np.searchsorted(np.unique(run_keys), run_keys)
    window_keys = rank.astype(np.int64) * _STRIDE_DAYS + run_days
    distances = runs[DISTANCE_M].to_numpy(dtype=float)
    window_starts = np.searchsorted(window_keys, window_keys - WINDOW_DAYS, side="left")
    previous = window_max(distances, window_starts)
    runs[PREVIOUS_MAX_M] = previous
    with np.errstate(divide="ignore", invalid="ignore"):
        runs[SPIKE_RATIO] = np.where(previous > 0, distances / previous, np.nan)
    return runs, _bounds(run_keys, ids)


def _weekly(
    local: pd.DataFrame,
    keys: np.ndarray,
    days: np.ndarray,
    is_run: np.ndarray,
    athletes: Mapping[int, AthleteView],
    as_of: date,
) -> dict[int, tuple[Callable[[], pd.DataFrame], Callable[[], WeeklyColumns]]]:
    """`weekly_distance` for every athlete (its own week start; empty without runs) and its
    `weekly_columns`, each built when asked."""
    columns = [WEEK_START, RUN_DISTANCE_M, RUN_COUNT, DESCENT_M, AVG_CADENCE_SPM]
    empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    run_keys, run_days = keys[is_run], days[is_run] + _EPOCH_ORDINAL
    distance = np.nan_to_num(local[DISTANCE_M].to_numpy(dtype=float)[is_run])
    descent = np.nan_to_num(local[DESCENT_M].to_numpy(dtype=float)[is_run])
    cadence = local[AVG_CADENCE_SPM].to_numpy(dtype=float)[is_run]
    moving = local[MOVING_S].to_numpy(dtype=float)[is_run]
    weight = np.where(np.isnan(cadence), 0.0, moving)
    cadence_x_s = np.nan_to_num(cadence) * weight
    bounds = _bounds(run_keys, list(athletes))
    # One bincount over every athlete's weeks, each athlete's weeks at an offset.
    firsts: dict[int, int] = {}
    offsets: dict[int, int] = {}
    lengths: dict[int, int] = {}
    index = np.zeros(len(run_keys), dtype=np.int64)
    total_weeks = 0
    for athlete_id, (a, b) in bounds.items():
        if a == b:
            continue
        week_start = athletes[athlete_id].week_start
        last = as_of.toordinal() - (as_of.weekday() - week_start) % 7
        first_run = int(run_days[a:b].min())
        first = first_run - (date.fromordinal(first_run).weekday() - week_start) % 7
        n_weeks = (last - first) // 7 + 1
        firsts[athlete_id], offsets[athlete_id], lengths[athlete_id] = first, total_weeks, n_weeks
        index[a:b] = total_weeks + (run_days[a:b] - first) // 7
        total_weeks += n_weeks
    sums = {
        name: np.bincount(index, weights=values, minlength=total_weeks)
        for name, values in (
            (RUN_DISTANCE_M, distance),
            (DESCENT_M, descent),
            ("cadence_x_s", cadence_x_s),
            ("cadence_s", weight),
        )
    }
    counts = np.bincount(index, minlength=total_weeks).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_cadence = np.where(
            sums["cadence_s"] > 0, sums["cadence_x_s"] / sums["cadence_s"], np.nan
        )
    week_days = np.zeros(total_weeks, dtype=np.int64)  # each week's first day, since 1970
    for athlete_id, first in firsts.items():
        start, n_weeks = offsets[athlete_id], lengths[athlete_id]
        week_days[start : start + n_weeks] = first - _EPOCH_ORDINAL + 7 * np.arange(n_weeks)
    # one frame of the squad's weeks; each athlete's weeks are a slice of it
    squad = pd.DataFrame(
        {
            WEEK_START: _as_dates(week_days),
            RUN_DISTANCE_M: sums[RUN_DISTANCE_M],
            RUN_COUNT: counts,
            DESCENT_M: sums[DESCENT_M],
            AVG_CADENCE_SPM: mean_cadence,
        }
    )
    no_weeks = WeeklyColumns([], [])
    return {
        a: (
            (
                partial(_part, squad, offsets[a], offsets[a] + lengths[a]),
                partial(_weekly_columns, sums[DESCENT_M], mean_cadence, offsets[a], lengths[a]),
            )
            if a in firsts
            else (partial(_given, empty), partial(_given, no_weeks))
        )
        for a in athletes
    }


def _weekly_columns(
    descent_m: np.ndarray, cadence_spm: np.ndarray, start: int, n_weeks: int
) -> WeeklyColumns:
    """One athlete's `weekly_columns`: its weeks of the squad's columns."""
    end = start + n_weeks
    return WeeklyColumns(descent_m[start:end].tolist(), cadence_spm[start:end].tolist())


def _activity_days(days: np.ndarray, is_strength: np.ndarray, start: int, end: int) -> ActivityDays:
    """One athlete's `activity_days` from rows [start, end) of the squad's local days (days
    since 1970) and strength flags."""
    if end == start:
        return ActivityDays(None, [])
    own = days[start:end]
    return ActivityDays(
        date.fromordinal(int(own.min()) + _EPOCH_ORDINAL),
        [date.fromordinal(d + _EPOCH_ORDINAL) for d in own[is_strength[start:end]].tolist()],
    )


def _daily(
    local: pd.DataFrame,
    keys: np.ndarray,
    days: np.ndarray,
    bounds: Mapping[int, tuple[int, int]],
    as_of_day: int,
) -> dict[int, tuple[np.ndarray, Callable[[], pd.Series]]]:
    """`daily_load` for every athlete, from its first local day (as_of without any) to as_of:
    its values, and the Series, built when asked."""
    loads = session_load(local).to_numpy(dtype=float) if len(local) else np.zeros(0)
    firsts = {a: int(days[s:e].min()) if e > s else as_of_day for a, (s, e) in bounds.items()}
    earliest = min(firsts.values(), default=as_of_day)
    # one index of local days for the squad; each athlete's is a slice of it (no copy)
    every_day = pd.Index(_as_dates(np.arange(earliest, as_of_day + 1, dtype=np.int64)))
    daily: dict[int, tuple[np.ndarray, Callable[[], pd.Series]]] = {}
    for athlete_id, (a, b) in bounds.items():
        first = firsts[athlete_id]
        n_days = as_of_day - first + 1
        totals = np.bincount(days[a:b] - first, weights=loads[a:b], minlength=n_days)
        daily[athlete_id] = (totals, partial(_daily_series, totals, every_day, first - earliest))
    return daily


def _daily_series(totals: np.ndarray, every_day: pd.Index, skip: int) -> pd.Series:
    """One athlete's `daily_load`: its totals on the squad's index of days, from `skip` on."""
    return pd.Series(totals, index=every_day[skip:], dtype="float64", name=LOAD, copy=False)


def _shoes(
    local: pd.DataFrame, is_run: np.ndarray, shoes: pd.DataFrame, ids: Sequence[int]
) -> dict[int, tuple[Callable[[], pd.DataFrame], Callable[[], ShoeLists]]]:
    """`shoe_mileage` with its `status` column for every athlete's pairs, and its lists (each
    built when asked)."""
    shoe_ids = local[SHOE_ID].to_numpy(dtype=float)[is_run]
    distances = local[DISTANCE_M].to_numpy(dtype=float)[is_run]
    on_pair = ~np.isnan(shoe_ids)
    # math.fsum, as load/shoes.py: exactly rounded, so equal to one athlete's own sum (#27)
    sums = pd.Series(distances[on_pair]).groupby(shoe_ids[on_pair].astype(np.int64)).agg(math.fsum)
    counts = pd.Series(distances[on_pair]).groupby(shoe_ids[on_pair].astype(np.int64)).size()
    frame, keys, _ = _sorted_by_athlete(shoes)
    frame = frame.reset_index(drop=True)
    pair = frame["shoe_id"].to_numpy(dtype=np.int64)
    frame["run_distance_m"] = pd.Series(
        sums.reindex(pair, fill_value=0.0).to_numpy(dtype=float), dtype="float64"
    )
    frame["runs"] = pd.Series(counts.reindex(pair, fill_value=0).to_numpy(), dtype="int64")
    frame[DISTANCE_M] = frame["starting_distance_m"] + frame["run_distance_m"]
    frame["status"] = [
        shoe_status(retired, distance, start, end)
        for retired, distance, start, end in zip(
            frame["retired"],
            frame[DISTANCE_M],
            frame["window_start_m"],
            frame["window_end_m"],
            strict=True,
        )
    ]
    frame = frame.copy()  # one block per dtype: each athlete's slice needs no consolidation
    bounds = _bounds(keys, ids)
    none = _no_shoes(shoes)
    lists = [frame[c].tolist() for c in SHOE_LIST_COLUMNS] if len(frame) else []
    return {
        a: (
            partial(_part, frame, s, e) if e > s else partial(_given, none),
            partial(_rows_of, ShoeLists, lists, s, e) if e > s else partial(ShoeLists.of, none),
        )
        for a, (s, e) in bounds.items()
    }


def _no_shoes(shoes: pd.DataFrame) -> pd.DataFrame:
    """The shoe frame `rule_context` gives an athlete without pairs."""
    frame = shoe_mileage(
        pd.DataFrame({SHOE_ID: pd.Series(dtype="float64"), DISTANCE_M: pd.Series(dtype="float64")}),
        shoes.drop(columns=[ATHLETE_ID]).iloc[0:0],
    )
    frame["status"] = []
    return frame
