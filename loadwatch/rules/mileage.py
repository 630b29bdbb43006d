"""R1 single-run spikes and R2 weekly growth (10% guideline, 30% over two weeks, low base)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta

import pandas as pd

from loadwatch.domain import Alert, Severity
from loadwatch.load.frames import (
    ACTIVITY_ID,
    DISTANCE_M,
    LOCAL_DATE,
    PREVIOUS_MAX_M,
    RUN_DISTANCE_M,
    SPIKE_RATIO,
    WEEK_START,
)
from loadwatch.rules.context import RuleContext

SPIKE_LOOKBACK_DAYS = 7  # spikes from the last week stay on the status
EPSILON = 1e-9  # 22 km / 20 km - 1 is 0.10000000000000009 in floating point: that is 10%, not above


def spike_level(ratio: float, ctx: RuleContext) -> tuple[str, Severity, float] | None:
    """(level name, severity, hazard ratio) for a spike ratio, or None at or below 1.10x."""
    t = ctx.thresholds
    if math.isnan(ratio) or ratio <= t.small_spike_ratio + EPSILON:
        return None
    if ratio <= t.moderate_spike_ratio + EPSILON:
        return "small spike", Severity.CAUTION, 1.64
    if ratio <= t.large_spike_ratio + EPSILON:
        return "moderate spike", Severity.WARNING, 1.52
    return "large spike", Severity.WARNING, 2.28


def run_spike(ctx: RuleContext) -> Iterator[Alert]:
    """R1: runs of the last 7 days longer than 1.1x the longest run of their previous 30 days."""
    first = ctx.as_of - timedelta(days=SPIKE_LOOKBACK_DAYS)
    spikes = ctx.spikes
    for run_date, ratio, previous, distance, run_id in zip(
        spikes[LOCAL_DATE],
        spikes[SPIKE_RATIO],
        spikes[PREVIOUS_MAX_M],
        spikes[DISTANCE_M],
        spikes[ACTIVITY_ID],
        strict=True,
    ):
        if not first < run_date <= ctx.as_of:
            continue
        activity_id = int(run_id)
        if math.isnan(previous):
            yield Alert(
                rule_id="run-spike",
                severity=Severity.INFO,
                message=(
                    f"Returning after a break: no run in the 30 days before your "
                    f"{ctx.distance(distance)} run on {run_date:%a %d %b}; keep the first runs "
                    "short and build back gradually."
                ),
                evidence={"distance_m": distance},
                citations=("frandsen2025",),
                date=run_date,
                activity_id=activity_id,
            )
            continue
        level = spike_level(ratio, ctx)
        if level is None:
            continue
        name, severity, hazard = level
        yield Alert(
            rule_id="run-spike",
            severity=severity,
            message=(
                f"{name.capitalize()}: your {ctx.distance(distance)} run on "
                f"{run_date:%a %d %b} was {ratio:.2f}x the longest run of the 30 days before it "
                f"({ctx.distance(previous)}); "
                f"in a 5,200-runner cohort such sessions carried a hazard ratio of {hazard:.2f}."
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


def _weeks_to_check(ctx: RuleContext) -> list[int]:
    """Row positions of the current week and the last completed week, newest first."""
    n = len(ctx.weekly)
    return [i for i in (n - 1, n - 2) if i >= 1]


def _week_end(week_start: date) -> date:
    return week_start + timedelta(days=6)


def weekly_growth(ctx: RuleContext) -> Iterator[Alert]:
    """R2: this week (to date), or else last week, against the 10% guideline; low base and
    returning weeks are reported in distance, not as a percentage."""
    t = ctx.thresholds
    for i in _weeks_to_check(ctx):
        this = float(ctx.weekly[RUN_DISTANCE_M].iloc[i])
        last = float(ctx.weekly[RUN_DISTANCE_M].iloc[i - 1])
        start: date = ctx.weekly[WEEK_START].iloc[i]
        label = "This week" if i == len(ctx.weekly) - 1 else f"The week of {start:%d %b}"
        when = min(_week_end(start), ctx.as_of)
        if this <= last:
            continue
        if last == 0:
            yield Alert(
                "weekly-growth",
                Severity.INFO,
                f"{label}: {ctx.distance(this)} after a week without running; treat it as "
                "returning, not as growth, and build back gradually.",
                {"this_week_m": this, "last_week_m": last},
                ("buist2008",),
                when,
            )
            return
        growth = this / last - 1
        if last < t.low_base_m:
            yield Alert(
                "weekly-growth",
                Severity.INFO,
                f"{label}: {ctx.distance(this)}, up {ctx.distance(this - last)} from "
                f"{ctx.distance(last)}; on a base under {ctx.distance(t.low_base_m, 0)} a "
                "percentage says little.",
                {"this_week_m": this, "last_week_m": last, "growth_ratio": growth},
                ("buist2008",),
                when,
            )
            return
        if growth > t.weekly_growth_ratio + EPSILON:
            yield Alert(
                "weekly-growth",
                Severity.CAUTION,
                f"{label}: running distance rose {growth:.0%} ({ctx.distance(last)} -> "
                f"{ctx.distance(this)}), above the {t.weekly_growth_ratio:.0%} guideline; the "
                "guideline is a convention (a trial found it did not prevent injuries).",
                {"this_week_m": this, "last_week_m": last, "growth_ratio": growth},
                ("buist2008",),
                when,
            )
            return


def two_week_growth(ctx: RuleContext) -> Iterator[Alert]:
    """R2: > 30% progression against the week before last or the mean of the two previous weeks."""
    t = ctx.thresholds
    for i in _weeks_to_check(ctx):
        if i < 2:
            continue
        this = float(ctx.weekly[RUN_DISTANCE_M].iloc[i])
        two_ago = float(ctx.weekly[RUN_DISTANCE_M].iloc[i - 2])
        mean_two = (float(ctx.weekly[RUN_DISTANCE_M].iloc[i - 1]) + two_ago) / 2
        if max(two_ago, mean_two) < t.low_base_m:
            continue
        ratios = [
            (this / base - 1, base, name)
            for base, name in ((two_ago, "the week before last"), (mean_two, "the two-week mean"))
            if base > 0
        ]
        growth, base, name = max(ratios)
        if growth > t.two_week_growth_ratio + EPSILON:
            start: date = ctx.weekly[WEEK_START].iloc[i]
            label = "This week" if i == len(ctx.weekly) - 1 else f"The week of {start:%d %b}"
            yield Alert(
                "two-week-growth",
                Severity.WARNING,
                f"{label}: running distance is {growth:.0%} above {name} ({ctx.distance(base)} -> "
                f"{ctx.distance(this)}); progressions over {t.two_week_growth_ratio:.0%} were "
                "linked to more distance-related injuries, runner's knee among them.",
                {"this_week_m": this, "base_m": base, "growth_ratio": growth},
                ("nielsen2014",),
                min(_week_end(start), ctx.as_of),
            )
            return


def next_run_cap_m(spikes: pd.DataFrame, as_of: date, small_spike_ratio: float) -> float | None:
    """R1 before a run: 1.1x the longest run (metres) of the 30 days up to `as_of`.

    Runs that were themselves spikes do not raise the cap: after a 1.45x long run the cap stays
    at 1.1x the longest run before it, not 1.1x the spike. None when there is no run.
    """
    in_window = (spikes[LOCAL_DATE] > as_of - timedelta(days=30)) & (spikes[LOCAL_DATE] <= as_of)
    window = spikes[in_window]
    if window.empty:
        return None
    ratios = window[SPIKE_RATIO]
    settled = window[ratios.isna() | (ratios <= small_spike_ratio + EPSILON)]
    base = settled if not settled.empty else window
    return float(base[DISTANCE_M].max()) * small_spike_ratio
