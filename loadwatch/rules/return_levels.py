"""The levels R2 and the 7-day progression read as a return, not growth (issue #20): the
week before an injury (for `injury_return_reference_weeks` after it ends) and, in weekly steps,
the week before a break of `break_days`+ days. Split from rules/mileage.py, which reads them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from loadwatch.domain import InjuryPeriod
from loadwatch.load.runlog import RunLog
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext
from loadwatch.rules.measures import EPSILON, REFERENCE_PERIODS
from loadwatch.rules.thresholds import Thresholds

BREAK_LOOKBACK_DAYS = 365  # a break whose last run is older than this: the old week says little


def injury_return_level_m(
    injuries: Sequence[InjuryPeriod], log: RunLog, day: date, week_start: int, t: Thresholds
) -> float:
    """The level a runner back from an injury returns to (metres; 0 outside a return): the
    best complete week of the four before the latest injury that ended on or before `day`,
    for `injury_return_reference_weeks` weeks after its end (loadwatch default: R2's four-week
    reference, carried over the injury's weeks, so rebuilding to it is a return, not growth).
    A runner with no injury period logged gets 0: R2 is unchanged for them."""
    ended = [i for i in injuries if i.end_date is not None and i.end_date <= day]
    if not ended:
        return 0.0
    latest = max(ended, key=lambda i: (i.end_date or i.start_date, i.id))
    end = latest.end_date or day
    if (day - end).days >= 7 * t.injury_return_reference_weeks:
        return 0.0
    start = week_start_of(latest.start_date, week_start)
    week = timedelta(days=7)
    return max(
        log.total(start - k * week, start - (k - 1) * week - timedelta(days=1))
        for k in (1, 2, 3, 4)
    )


@dataclass(frozen=True, slots=True)
class BreakReturn:
    """A stretch of `break_days`+ days without running, and the week before it."""

    last_run: date  # the last run before the break
    first_back: date | None  # the first run after it (None: still off on the day asked about)
    before_m: float  # the best calendar week of the four up to the last run's week (metres)


def latest_break(
    log: RunLog, day: date, week_start: int, t: Thresholds, memory_days: int
) -> BreakReturn | None:
    """The latest break before or on `day` (runs up to `day` counted) whose first run back is
    at most `memory_days` before `day`, or that is still going on; None when there is none, or
    when its last run lies more than `BREAK_LOOKBACK_DAYS` back (the old week says little)."""
    days = log.run_days(day - timedelta(days=memory_days), day)
    before = log.last_run_before(days[0] if days else day + timedelta(days=1))
    ends: list[date | None] = [*days, None]
    starts = [before, *days]
    for last, back in reversed(list(zip(starts, ends, strict=True))):
        if last is None:
            return None
        gap_end = back or day
        if (gap_end - last).days < t.break_days:
            continue
        if (day - last).days > BREAK_LOOKBACK_DAYS:
            return None
        week = week_start_of(last, week_start)
        best = max(
            log.total(week - timedelta(days=7 * k), week - timedelta(days=7 * k - 6))
            for k in range(REFERENCE_PERIODS)
        )
        return BreakReturn(last, back, best)
    return None


def return_ramp_fraction(week_back: int, t: Thresholds) -> float:
    """How much of the week before a break week `week_back` (1 = the first week back) may hold
    as a return, not growth: `return_first_week_fraction`, then `return_week_step` more each
    week, up to the whole week (loadwatch defaults)."""
    return min(1.0, t.return_first_week_fraction + (week_back - 1) * t.return_week_step)


def ramp_weeks(t: Thresholds) -> int:
    """The weeks a return from a break is remembered by R2: until the ramp reaches the whole
    week before the break, then R2's four-week reference (by then the weeks back are the
    reference themselves)."""
    steps = (1.0 - t.return_first_week_fraction) / t.return_week_step if t.return_week_step else 0
    return math.ceil(steps - EPSILON) + 1 + REFERENCE_PERIODS


def ramp_level_m(before_m: float, week_back: int, t: Thresholds) -> float:
    """What week `week_back` (1 = the first week back) may hold as a return from a break whose
    week before held `before_m` (metres; 0 once the return is over, after `ramp_weeks`)."""
    if week_back > ramp_weeks(t):
        return 0.0
    return before_m * return_ramp_fraction(week_back, t)


def break_return_level_m(log: RunLog, day: date, week_start: int, t: Thresholds) -> float:
    """The level a runner back from a break of `break_days`+ returns to in the week of `day`
    (metres; 0 outside a return): the week before the break times `return_ramp_fraction`,
    counted in calendar weeks from the first run back (loadwatch default; R2 and the 7-day
    progression read a week up to it as a return, not growth, as after an injury)."""
    gap = latest_break(log, day, week_start, t, 7 * ramp_weeks(t))
    if gap is None:
        return 0.0
    first = week_start_of(gap.first_back or day, week_start)
    week_back = (week_start_of(day, week_start) - first).days // 7 + 1
    return ramp_level_m(gap.before_m, week_back, t)


def return_level_m(
    injuries: Sequence[InjuryPeriod], log: RunLog, day: date, week_start: int, t: Thresholds
) -> float:
    """The level R2 reads as a return, not growth, on `day` (metres; 0 outside a return): the
    higher of an injury's (`injury_return_level_m`) and a break's (`break_return_level_m`)."""
    return max(
        injury_return_level_m(injuries, log, day, week_start, t),
        break_return_level_m(log, day, week_start, t),
    )


def ctx_return_level_m(ctx: RuleContext, day: date, log: RunLog | None = None) -> float:
    """`return_level_m` from a rule context (its injuries, run log, week start, thresholds)."""
    return return_level_m(ctx.injuries, log or ctx.run_log, day, ctx.week_start, ctx.thresholds)
