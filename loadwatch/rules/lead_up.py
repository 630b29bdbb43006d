"""What came before an injury (issue #14): the 14 and the 30 days before it, week by week, the
spikes, pain, strength and shoes: counts in the log, never a prediction. Split from
rules/injury.py (issue #19).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from loadwatch.domain import CROSS_TRAINING_SPORTS, InjuryPeriod, Sport
from loadwatch.load.frames import (
    AVG_CADENCE_SPM,
    DESCENT_M,
    DISTANCE_M,
    DURATION_S,
    LOCAL_DATE,
    PREVIOUS_MAX_M,
    SHOE_ID,
    SPIKE_RATIO,
    SPORT,
)
from loadwatch.load.shoes import shoe_status
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext
from loadwatch.rules.measures import spike_band
from loadwatch.rules.pain import PainDay, pain_days

LEAD_UP_DAYS = (14, 30)  # issue #14: the 14 and the 30 days before an injury


@dataclass(frozen=True, slots=True)
class LeadUpSpike:
    run_date: date
    distance_m: float
    previous_max_m: float
    ratio: float
    level: str  # small spike | moderate spike | large spike


@dataclass(frozen=True, slots=True)
class LeadUpPain:
    entry_date: date
    score: int
    zone: str
    location: str | None
    next_morning: float | None


@dataclass(frozen=True, slots=True)
class LeadUpWindow:
    """The `days` days up to and including the injury's first day."""

    days: int
    first: date
    last: date
    runs: int
    distance_m: float
    longest_m: float | None
    spikes: tuple[LeadUpSpike, ...]
    descent_m: float
    avg_cadence_spm: float | None
    cross_training_sessions: int
    cross_training_s: float
    strength_sessions: int
    pain: tuple[LeadUpPain, ...]
    mean_morning: float | None
    morning_trend: str  # rising | falling | steady | unknown (first half against second)


@dataclass(frozen=True, slots=True)
class LeadUpWeek:
    week_start: date
    distance_m: float  # up to the injury's first day at the latest
    growth_ratio: float | None  # against the week before up to the same weekday
    is_partial: bool  # the week of the injury, up to its first day


@dataclass(frozen=True, slots=True)
class LeadUpShoe:
    name: str
    distance_m: float  # on the injury's first day, its starting distance included
    status: str  # ok | window | caution | replace, on the injury's first day
    window_start_m: float
    window_end_m: float
    runs_in_window: int  # runs in it in the 30 days before


@dataclass(frozen=True, slots=True)
class LeadUp:
    injury: InjuryPeriod
    windows: tuple[LeadUpWindow, ...]  # 14 days, then 30 days
    weeks: tuple[LeadUpWeek, ...]
    shoes: tuple[LeadUpShoe, ...]


def _trend(values: Sequence[float], second: Sequence[float]) -> str:
    if not values or not second:
        return "unknown"
    first_mean, second_mean = sum(values) / len(values), sum(second) / len(second)
    if second_mean > first_mean:
        return "rising"
    return "falling" if second_mean < first_mean else "steady"


def _window(ctx: RuleContext, start: date, days: int, pains: Sequence[PainDay]) -> LeadUpWindow:
    t = ctx.thresholds
    first = start - timedelta(days=days - 1)
    in_window = ctx.activities[
        (ctx.activities[LOCAL_DATE] >= first) & (ctx.activities[LOCAL_DATE] <= start)
    ]
    runs = ctx.spikes[(ctx.spikes[LOCAL_DATE] >= first) & (ctx.spikes[LOCAL_DATE] <= start)]
    spikes = []
    for run_date, distance, previous, ratio in zip(
        runs[LOCAL_DATE], runs[DISTANCE_M], runs[PREVIOUS_MAX_M], runs[SPIKE_RATIO], strict=True
    ):
        level = spike_band(float(ratio), t)
        if level is not None:
            spikes.append(
                LeadUpSpike(run_date, float(distance), float(previous), float(ratio), level)
            )
    cadences = [float(c) for c in runs[AVG_CADENCE_SPM] if not math.isnan(float(c))]
    sports = in_window[SPORT]
    cross = in_window[sports.isin([s.value for s in CROSS_TRAINING_SPORTS])]
    entries = [p for p in pains if first <= p.entry_date <= start]
    mornings = (
        {
            d: float(s)
            for d, s in zip(ctx.pain["entry_date"], ctx.pain["morning"], strict=True)
            if s == s and first <= d <= start
        }
        if not ctx.pain.empty
        else {}
    )
    middle = first + timedelta(days=days // 2)
    early = [v for d, v in mornings.items() if d < middle]
    late = [v for d, v in mornings.items() if d >= middle]
    return LeadUpWindow(
        days=days,
        first=first,
        last=start,
        runs=len(runs),
        distance_m=float(runs[DISTANCE_M].sum()),
        longest_m=float(runs[DISTANCE_M].max()) if not runs.empty else None,
        spikes=tuple(spikes),
        descent_m=float(runs[DESCENT_M].fillna(0).sum()),
        avg_cadence_spm=sum(cadences) / len(cadences) if cadences else None,
        cross_training_sessions=len(cross),
        cross_training_s=float(cross[DURATION_S].fillna(0).sum()),
        strength_sessions=_strength_sessions(ctx, in_window, first, start),
        pain=tuple(
            LeadUpPain(p.entry_date, p.score, p.zone, p.location, p.next_morning) for p in entries
        ),
        mean_morning=sum(mornings.values()) / len(mornings) if mornings else None,
        morning_trend=_trend(early, late),
    )


def _strength_sessions(ctx: RuleContext, in_window: pd.DataFrame, first: date, last: date) -> int:
    """Strength activities from files, plus days with a logged session and no such activity
    (issue #22: logged sessions count as done)."""
    recorded = in_window[in_window[SPORT] == Sport.STRENGTH.value]
    logged = {d for d in ctx.strength_dates if first <= d <= last} - set(recorded[LOCAL_DATE])
    return len(recorded) + len(logged)


def lead_up(ctx: RuleContext, period: InjuryPeriod) -> LeadUp:
    """What came before `period`: the 14 and 30 days up to its first day (runs, spikes with
    their ratios, descent, cadence, cross-training and strength, pain entries and the morning
    trend), the weeks they fall in with their growth, and the shoes run in with their distance
    on the first day. `ctx` may be as of any day from the injury's first day on."""
    start = period.start_date
    pains = pain_days(ctx.pain, ctx)
    windows = tuple(_window(ctx, start, days, pains) for days in LEAD_UP_DAYS)
    return LeadUp(period, windows, _weeks(ctx, start), _shoes(ctx, start))


def _weeks(ctx: RuleContext, start: date) -> tuple[LeadUpWeek, ...]:
    """The weeks the 30 days fall in, each up to the injury's first day at the latest, against
    the week before up to the same weekday (R2: never a part week against a whole one)."""
    log, week = ctx.run_log, timedelta(days=7)
    first = week_start_of(start - timedelta(days=max(LEAD_UP_DAYS) - 1), ctx.week_start)
    weeks = []
    while first <= start:
        last = min(first + timedelta(days=6), start)
        this, before = log.total(first, last), log.total(first - week, last - week)
        growth = this / before - 1 if before > 0 else None
        weeks.append(LeadUpWeek(first, this, growth, last < first + timedelta(days=6)))
        first += week
    return tuple(weeks)


def _shoes(ctx: RuleContext, start: date) -> tuple[LeadUpShoe, ...]:
    shoes = ctx.shoes
    if shoes.empty:
        return ()
    runs = ctx.spikes[ctx.spikes[LOCAL_DATE] <= start]
    first = start - timedelta(days=max(LEAD_UP_DAYS) - 1)
    found = []
    for row in shoes.to_dict("records"):
        mine = runs[runs[SHOE_ID] == row["shoe_id"]]
        recent = mine[mine[LOCAL_DATE] >= first]
        if recent.empty:
            continue
        distance = float(row["starting_distance_m"]) + float(mine[DISTANCE_M].sum())
        start_m, end_m = float(row["window_start_m"]), float(row["window_end_m"])
        found.append(
            LeadUpShoe(
                str(row["name"]),
                distance,
                shoe_status(False, distance, start_m, end_m),
                start_m,
                end_m,
                len(recent),
            )
        )
    return tuple(found)


# The runner's own pattern ----------------------------------------------------------------
