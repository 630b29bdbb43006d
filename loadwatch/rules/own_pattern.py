"""The runner's own pattern (issue #14): across the log's injury episodes, how often each load
factor came within the 14 days before one: counts, never a prediction. Split from
rules/injury.py (issue #19).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from loadwatch.domain import Sport
from loadwatch.load.frames import (
    DISTANCE_M,
    LOCAL_DATE,
    RUN_DISTANCE_M,
    SHOE_ID,
    SPIKE_RATIO,
    SPORT,
    WEEK_START,
)
from loadwatch.load.weekly import week_over_week_growth
from loadwatch.rules.context import RuleContext
from loadwatch.rules.measures import EPSILON
from loadwatch.rules.pain import RED, pain_days

PATTERN_WINDOW_DAYS = 14  # issue #14: what came within the 14 days before an episode


@dataclass(frozen=True, slots=True)
class PatternFactor:
    """One load factor in the log: how often it came within the 14 days before an episode,
    and how often it occurred at all (and of those, how many an episode followed)."""

    label: str
    episodes_with: int
    occurrences: int
    followed: int


@dataclass(frozen=True, slots=True)
class OwnPattern:
    episodes: tuple[date, ...]
    factors: tuple[PatternFactor, ...]
    min_episodes: int

    @property
    def is_shown(self) -> bool:
        return len(self.episodes) >= self.min_episodes


def episodes(ctx: RuleContext) -> tuple[date, ...]:
    """Injury starts and red pain days, one episode per 14 days: a red day inside an injury
    period, or within 14 days after another episode, is part of that episode."""
    starts = sorted(i.start_date for i in ctx.injuries)
    reds = sorted(d.entry_date for d in pain_days(ctx.pain, ctx) if d.zone == RED)
    kept: list[date] = []
    for day in [*starts, *reds]:
        inside = any(i.is_ongoing_on(day) for i in ctx.injuries) and day not in starts
        near = any(0 <= (day - k).days < PATTERN_WINDOW_DAYS for k in kept) or any(
            0 < (k - day).days < PATTERN_WINDOW_DAYS for k in kept
        )
        if not inside and not near:
            kept.append(day)
    return tuple(sorted(kept))


def _occurrences(ctx: RuleContext) -> list[tuple[str, list[tuple[date, date]]]]:
    """Each factor's occurrences as (first, last) local days."""
    t = ctx.thresholds
    spikes = [
        (d, d)
        for d, r in zip(ctx.spikes[LOCAL_DATE], ctx.spikes[SPIKE_RATIO], strict=True)
        if not math.isnan(float(r)) and float(r) > t.moderate_spike_ratio + EPSILON
    ]
    weeks = []
    if not ctx.weekly.empty:
        previous = ctx.weekly[RUN_DISTANCE_M].shift(1)
        growth = week_over_week_growth(ctx.weekly)
        for week_start, ratio, before in zip(ctx.weekly[WEEK_START], growth, previous, strict=True):
            if (
                not math.isnan(float(ratio))
                and float(before) >= t.low_base_m
                and float(ratio) > t.two_week_growth_ratio + EPSILON
            ):
                weeks.append((week_start, week_start + timedelta(days=6)))
    worn = []
    for row in ctx.shoes.to_dict("records") if not ctx.shoes.empty else []:
        total = float(row["starting_distance_m"])
        mine = ctx.spikes[ctx.spikes[SHOE_ID] == row["shoe_id"]]
        for day, distance in zip(mine[LOCAL_DATE], mine[DISTANCE_M], strict=True):
            total += float(distance)
            if total >= float(row["window_end_m"]):
                worn.append((day, day))
    return [
        (f"a run over {t.moderate_spike_ratio:.1f}x the longest of the 30 days before", spikes),
        (
            f"a week over +{t.two_week_growth_ratio:.0%} (on a base of at least "
            f"{ctx.distance(t.low_base_m, 0)})",
            weeks,
        ),
        ("a run in a shoe past its replacement window", worn),
        ("a strength session (logged or from a watch file)", _strength_spans(ctx)),
    ]


def _strength_spans(ctx: RuleContext) -> list[tuple[date, date]]:
    """Days with strength work done (issue #22): logged sessions and strength activities."""
    acts = ctx.activities
    recorded = (
        set(acts[acts[SPORT] == Sport.STRENGTH.value][LOCAL_DATE]) if not acts.empty else set()
    )
    return [(d, d) for d in sorted(recorded | set(ctx.strength_dates))]


def own_pattern(ctx: RuleContext) -> OwnPattern:
    """Across the log's episodes: how often each factor came within the 14 days before one,
    against how often it occurred at all. Counts, never a risk score (n is small)."""
    found = episodes(ctx)
    window = timedelta(days=PATTERN_WINDOW_DAYS)
    factors = []
    for label, spans in _occurrences(ctx):
        with_factor = sum(any(a <= e and b >= e - window for a, b in spans) for e in found)
        followed = sum(any(a <= e <= b + window for e in found) for a, b in spans)
        factors.append(PatternFactor(label, with_factor, len(spans), followed))
    return OwnPattern(found, tuple(factors), ctx.thresholds.injury_pattern_min_episodes)
