"""R1 single-run spikes (with breaks) and R2 weekly growth and progression.

The limit functions here (`spike_cap_m`, `weekly_limit_m`, `progression_limit_m`,
`return_cap_m`) are what the rules check AND what the 7-day plan budgets with, so a plan followed
to the letter cannot fire these rules (issue #9; tests/rules/test_plan_properties.py).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from loadwatch.domain import Alert, Severity
from loadwatch.load.frames import (
    DISTANCE_M,
    LOCAL_DATE,
    SPIKE_RATIO,
)
from loadwatch.load.runlog import RunLog
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext, spike_columns
from loadwatch.rules.injury import in_injury_or_return
from loadwatch.rules.measures import (
    EPSILON,
    PROGRESSION_DAYS,
    SPIKE_BANDS,
    SPIKE_LOOKBACK_DAYS,
    SPIKE_WINDOW_DAYS,
    spike_band,
)
from loadwatch.rules.return_levels import ctx_return_level_m
from loadwatch.rules.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class PeriodGrowth:
    """One period against the one before it, and the highest of the four before it (metres)."""

    this_m: float
    previous_m: float
    reference_m: float  # the highest of the previous four periods (whole)
    previous_whole_m: float  # the whole previous period (differs from previous_m mid-week)

    @property
    def ratio(self) -> float:
        return self.this_m / self.previous_m - 1 if self.previous_m > 0 else math.nan


def week_to_date(log: RunLog, day: date, week_start: int, return_m: float = 0.0) -> PeriodGrowth:
    """R2: this week up to `day` against last week up to the same weekday (never a part week
    against a whole one), and the highest of the previous four whole weeks (or the level a
    runner back from an injury returns to, `return_m`, when higher)."""
    start = week_start_of(day, week_start)
    week = timedelta(days=7)
    whole = [
        log.total(start - k * week, start - (k - 1) * week - timedelta(days=1))
        for k in (1, 2, 3, 4)
    ]
    return PeriodGrowth(
        this_m=log.total(start, day),
        previous_m=log.total(start - week, day - week),
        reference_m=max(*whole, return_m),
        previous_whole_m=whole[0],
    )


def four_weeks_to_date_mean_m(log: RunLog, day: date, week_start: int) -> float:
    """The mean of the four previous weeks, each up to the same weekday as `day` (metres): what
    this week so far is set against on a Monday morning, like with like (issue #24)."""
    start = week_start_of(day, week_start)
    week = timedelta(days=7)
    return sum(log.total(start - k * week, day - k * week) for k in (1, 2, 3, 4)) / 4


def seven_day_progression(log: RunLog, day: date, return_m: float = 0.0) -> PeriodGrowth:
    """Nielsen et al. 2014's exposure: the 7 days up to a session against the 7 days before
    (a return to `return_m` after an injury is not counted as progression)."""
    span = timedelta(days=PROGRESSION_DAYS)
    windows = [
        log.total(day - k * span + timedelta(days=1), day - (k - 1) * span) for k in (1, 2, 3, 4, 5)
    ]
    return PeriodGrowth(windows[0], windows[1], max(*windows[1:], return_m), windows[1])


def _growth_limit_m(period: PeriodGrowth, ratio: float, low_base_m: float) -> float:
    """The most `this_m` may reach without firing, mirroring the rules exactly: the reference
    level or (1 + ratio) x the previous period; unbounded after an empty previous period
    ("returning", which R1's return cap governs) or below the low base (reported in km only)."""
    if period.previous_whole_m <= 0 or period.previous_m < low_base_m:
        return math.inf
    return max(period.reference_m, period.previous_m * (1 + ratio))


def weekly_limit_m(
    log: RunLog, day: date, week_start: int, t: Thresholds, return_level: float = 0.0
) -> float:
    """Most metres this week may hold on `day` (to date) without the weekly-growth caution."""
    return _growth_limit_m(
        week_to_date(log, day, week_start, return_level), t.weekly_growth_ratio, t.low_base_m
    )


def progression_limit_m(log: RunLog, day: date, t: Thresholds, return_level: float = 0.0) -> float:
    """Most metres the 7 days up to `day` may hold without the > 30 % progression caution."""
    return _growth_limit_m(
        seven_day_progression(log, day, return_level), t.two_week_growth_ratio, t.low_base_m
    )


def spike_level(ratio: float, ctx: RuleContext) -> tuple[str, Severity] | None:
    """(level name, severity) for a spike ratio, or None at or below 1.10x."""
    name = spike_band(ratio, ctx.thresholds)
    if name is None:
        return None
    return name, Severity.CAUTION if name == "small spike" else Severity.WARNING


@dataclass(frozen=True, slots=True)
class SpikeWindow:
    """The recorded runs R1 reads, as arrays: built once per context, read for each planned day
    (the plan asks for every day's cap; a pandas filter per day cost a tenth of a report)."""

    days: np.ndarray  # proleptic ordinals of the runs' local days
    distances: np.ndarray  # metres
    settled: np.ndarray  # the run was not itself a spike

    @classmethod
    def of(cls, spikes: pd.DataFrame, t: Thresholds) -> SpikeWindow:
        ratios = spikes[SPIKE_RATIO].to_numpy(dtype=float)
        return cls(
            np.fromiter((d.toordinal() for d in spikes[LOCAL_DATE]), dtype=np.int64),
            spikes[DISTANCE_M].to_numpy(dtype=float),
            np.isnan(ratios) | (ratios <= t.small_spike_ratio + EPSILON),
        )

    def _window(self, day: date) -> np.ndarray:
        last = day.toordinal()
        return (self.days >= last - SPIKE_WINDOW_DAYS) & (self.days < last)

    def cap_m(self, day: date, t: Thresholds) -> float | None:
        """`spike_cap_m` for `day`."""
        window = self._window(day)
        if not window.any():
            return None
        settled = window & self.settled
        base = settled if settled.any() else window
        return float(self.distances[base].max()) * t.small_spike_ratio

    def has_settled_run(self, day: date) -> bool:
        """Whether the 30 days before `day` hold a run that was not itself a spike (R1 reads
        its cap from those; a window of spikes only falls back to the spikes)."""
        return bool((self._window(day) & self.settled).any())


def spike_cap_m(spikes: pd.DataFrame, day: date, t: Thresholds) -> float | None:
    """R1 before a run on `day`: 1.1x the longest run (metres) of the 30 days before it.

    Runs that were themselves spikes do not raise the cap: after a 1.45x long run the cap stays
    at 1.1x the longest run before it, not 1.1x the spike. Only recorded runs count: a planned
    run never raises a later day's cap. None when no run lies in the window.
    """
    return SpikeWindow.of(spikes, t).cap_m(day, t)


@dataclass(frozen=True, slots=True)
class Break:
    """The last gap of more than 30 days without running, before `day`."""

    days: int  # days from the last run before the break to the first run back (or to `day`)
    before_m: float  # the longest run of the 30 days up to the last run before the break
    first_cap_m: float  # R1 "returning": the documented cap of the first run back
    runs_back: tuple[tuple[date, float], ...]  # (local day, metres) of runs since the break


def return_fraction(break_days: int, t: Thresholds) -> float:
    """The first run back, as a fraction of the longest run before the break (loadwatch
    defaults, falling with the break's length)."""
    if break_days <= 60:
        return t.return_fraction_month
    if break_days <= 180:
        return t.return_fraction_quarter
    return t.return_fraction_long


def last_break(spikes: pd.DataFrame, day: date, t: Thresholds) -> Break | None:
    """The most recent break before `day` (None if the runner has no run before it or never
    stopped for more than 30 days)."""
    runs = spikes[spikes[LOCAL_DATE] < day]
    if runs.empty:
        return None
    days = list(runs[LOCAL_DATE])
    distances = [float(d) for d in runs[DISTANCE_M]]
    ends = [*days[1:], day]
    for i in range(len(days) - 1, -1, -1):
        gap = (ends[i] - days[i]).days
        if gap > SPIKE_WINDOW_DAYS:
            first = days[i] - timedelta(days=SPIKE_WINDOW_DAYS)
            before = max(m for d, m in zip(days, distances, strict=True) if first <= d <= days[i])
            cap = max(before * return_fraction(gap, t), min(before, t.min_planned_run_m))
            back = tuple(zip(days[i + 1 :], distances[i + 1 :], strict=True))
            return Break(gap, before, cap, back)
    return None


def return_cap_m(
    spikes: pd.DataFrame, day: date, t: Thresholds, held: Collection[date] = ()
) -> float | None:
    """The return ladder's cap for a run on `day` (metres), or None outside a return.

    The first run back is capped at `Break.first_cap_m`; each run back since then raises the cap
    by the spike ratio (1.1x), except runs on `held` days (pain above the safe band); the ladder
    ends once it reaches the longest run before the break.
    """
    gap = last_break(spikes, day, t)
    if gap is None:
        return None
    steps = sum(1 for run_day, _ in gap.runs_back if run_day not in held)
    cap = gap.first_cap_m * t.small_spike_ratio**steps
    return cap if cap < gap.before_m else None


def _duration(days: int) -> str:
    if days >= 60:
        return f"{days} days (about {round(days / 30.44)} months)"
    return f"{days} days"


def _returning(ctx: RuleContext, run_date: date, distance: float, run_id: int) -> Alert:
    gap = last_break(ctx.spikes, run_date, ctx.thresholds)
    when = f"{run_date:%a %d %b}"
    if gap is None:
        return Alert(
            "run-spike",
            Severity.INFO,
            f"First run in your log ({ctx.distance(distance)} on {when}): spikes are measured "
            "once there are runs in the 30 days before a run.",
            {"distance_m": distance},
            ("loadwatch",),
            run_date,
            run_id,
        )
    evidence = {
        "distance_m": distance,
        "break_days": float(gap.days),
        "longest_before_break_m": gap.before_m,
        "return_cap_m": gap.first_cap_m,
    }
    if distance > gap.first_cap_m + EPSILON:
        return Alert(
            "run-spike",
            Severity.CAUTION,
            f"Returning after {_duration(gap.days)} without running: your "
            f"{ctx.distance(distance)} run on {when} was above the return cap of "
            f"{ctx.distance(gap.first_cap_m)} ({return_fraction(gap.days, ctx.thresholds):.0%} "
            f"of your longest run before the break, {ctx.distance(gap.before_m)}); build back "
            "in steps of at most 1.1x, each after a pain-free run.",
            evidence,
            ("loadwatch",),
            run_date,
            run_id,
        )
    return Alert(
        "run-spike",
        Severity.INFO,
        f"Returning after {_duration(gap.days)} without running: your {ctx.distance(distance)} "
        f"run on {when} kept within the return cap of {ctx.distance(gap.first_cap_m)}; build "
        "back in steps of at most 1.1x, each after a pain-free run.",
        evidence,
        ("loadwatch",),
        run_date,
        run_id,
    )


def run_spike(ctx: RuleContext) -> Iterator[Alert]:
    """R1: runs of the last 7 days longer than 1.1x the longest run of their previous 30 days;
    a first run after more than 30 days off is checked against the return cap instead."""
    first = ctx.as_of - timedelta(days=SPIKE_LOOKBACK_DAYS)
    runs = spike_columns(ctx)  # column lists: a squad runs this for every athlete (issue #27)
    for run_date, ratio, previous, distance, run_id in zip(
        runs.local_date,
        runs.spike_ratio,
        runs.previous_max_m,
        runs.distance_m,
        runs.activity_id,
        strict=True,
    ):
        if not first < run_date <= ctx.as_of:
            continue
        activity_id = int(run_id)
        if math.isnan(previous):
            if not in_injury_or_return(ctx, run_date):  # else the injury rule speaks (#14)
                yield _returning(ctx, run_date, float(distance), activity_id)
            continue
        level = spike_level(ratio, ctx)
        if level is None:
            continue
        name, severity = level
        hazard, interval = SPIKE_BANDS[name]
        yield Alert(
            rule_id="run-spike",
            severity=severity,
            message=(
                f"{name.capitalize()}: your {ctx.distance(distance)} run on "
                f"{run_date:%a %d %b} was {ratio:.2f}x the longest run of the 30 days before it "
                f"({ctx.distance(previous)}); in a 5,200-runner cohort such sessions carried a "
                f"hazard ratio of {hazard:.2f} (95% CI {interval}) against runs at or under "
                f"{ctx.thresholds.small_spike_ratio:.1f}x; the bands' intervals overlap."
            ),
            evidence={
                "distance_m": distance,
                "previous_max_m": previous,
                "spike_ratio": ratio,
                "hazard_ratio": hazard,
            },
            citations=("frandsen2025",),
            date=run_date,
            activity_id=activity_id,
        )


def _week_end(week_start: date) -> date:
    return week_start + timedelta(days=6)


def weekly_growth(ctx: RuleContext) -> Iterator[Alert]:
    """R2: this week to date (against last week to the same weekday), or else the last
    complete week, against the 10% guideline; a week not above the highest of the previous four
    is not growth; low-base and returning weeks are reported in distance, not as a percentage."""
    t = ctx.thresholds
    log = ctx.run_log
    current = week_start_of(ctx.as_of, ctx.week_start)
    run_days = spike_columns(ctx).local_date
    first_run = run_days[0] if run_days else ctx.as_of
    for start in (current, current - timedelta(days=7)):
        day = min(_week_end(start), ctx.as_of)
        if first_run >= start:  # the log's first week: no week before it to grow from
            continue
        week = week_to_date(log, day, ctx.week_start, ctx_return_level_m(ctx, day))
        this, last = week.this_m, week.previous_m
        if this <= max(week.reference_m, last) + EPSILON:
            continue
        is_current = start == current
        label = "This week" if is_current else f"The week of {start:%d %b}"
        is_partial = day < _week_end(start)
        versus = f" against last week up to {day:%A}" if is_partial else ""
        evidence = {"this_week_m": this, "last_week_m": last}
        if week.previous_whole_m == 0:
            if in_injury_or_return(ctx, day):  # the injury rule speaks of the return (#14)
                return
            yield Alert(
                "weekly-growth",
                Severity.INFO,
                f"{label}: {ctx.distance(this)} after a week without running; treat it as "
                "returning, not as growth, and build back gradually.",
                evidence,
                ("loadwatch",),
                day,
            )
            return
        growth = week.ratio if last > 0 else math.inf
        if last < t.low_base_m:
            yield Alert(
                "weekly-growth",
                Severity.INFO,
                f"{label}: {ctx.distance(this)}, up {ctx.distance(this - last)} from "
                f"{ctx.distance(last)}{versus}; on a base under {ctx.distance(t.low_base_m, 0)} a "
                "percentage says little.",
                {**evidence, "growth_ratio": growth} if last > 0 else evidence,
                ("loadwatch",),
                day,
            )
            return
        if growth > t.weekly_growth_ratio + EPSILON:
            yield Alert(
                "weekly-growth",
                Severity.CAUTION,
                f"{label}: running distance rose {growth:.0%} ({ctx.distance(last)} -> "
                f"{ctx.distance(this)}){versus}, above the {t.weekly_growth_ratio:.0%} "
                "guideline; the guideline is a convention (a trial found it did not prevent "
                "injuries).",
                {**evidence, "growth_ratio": growth},
                ("buist2008",),
                day,
            )
            return


def two_week_growth(ctx: RuleContext) -> Iterator[Alert]:
    """R2 progression as Nielsen et al. 2014 define their exposure: after each run, the 7 days
    up to it against the 7 days before (over a two-week period); caution above 30%, for the
    latest run of the last 7 days that crossed it."""
    t = ctx.thresholds
    log = ctx.run_log
    first = ctx.as_of - timedelta(days=SPIKE_LOOKBACK_DAYS)
    days = sorted(
        {d for d in spike_columns(ctx).local_date if first < d <= ctx.as_of}, reverse=True
    )
    for day in days:
        period = seven_day_progression(log, day, ctx_return_level_m(ctx, day))
        this, base = period.this_m, period.previous_m
        if this <= period.reference_m + EPSILON or base < t.low_base_m:
            continue
        growth = period.ratio
        if growth > t.two_week_growth_ratio + EPSILON:
            yield Alert(
                "two-week-growth",
                Severity.CAUTION,
                f"The 7 days to {day:%a %d %b}: running distance is {growth:.0%} above the 7 "
                f"days before ({ctx.distance(base)} -> {ctx.distance(this)}); in novice "
                f"runners, progressions over {t.two_week_growth_ratio:.0%} were linked to more "
                "distance-related injuries, runner's knee among them (HR 1.59, 95% CI "
                "0.96-2.66, not statistically significant).",
                {"this_week_m": this, "base_m": base, "growth_ratio": growth},
                ("nielsen2014",),
                day,
            )
            return
