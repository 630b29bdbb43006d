"""The cap of one planned run (R1, the return ladder, R2 and pain) and what recent pain does to
the plan; the plan's headline values (issues #9, #20). Split from rules/plan.py (issue #19).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from loadwatch.domain import PlanDay, PlanKind
from loadwatch.load.frames import ACTIVITY_ID, DISTANCE_M, LOCAL_DATE
from loadwatch.load.runlog import RunLog
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext
from loadwatch.rules.measures import SPIKE_WINDOW_DAYS
from loadwatch.rules.mileage import (
    SpikeWindow,
    progression_limit_m,
    return_cap_m,
    weekly_limit_m,
)
from loadwatch.rules.pain import AMBER, RED, PainDay, must_stop, pain_days, red_episode
from loadwatch.rules.return_levels import ctx_return_level_m


def plan_pain(ctx: RuleContext) -> PlanPain:
    """Pain that must stop running (the latest entry of 7 days), else a red episode in force
    (it ends with a settled morning or a pain-free run, R3), else amber as the latest entry."""
    days = pain_days(ctx.pain, ctx)
    recent = [d for d in days if d.entry_date > ctx.as_of - timedelta(days=7)]
    if recent and must_stop(recent[-1], ctx):
        return PlanPain(RED, True, recent[-1].entry_date, _hurt_m(ctx, recent[-1]))
    episode = red_episode(ctx, days)
    if episode is not None and not episode.is_rising:
        entry = next(d for d in reversed(days) if d.entry_date == episode.start and d.zone == RED)
        return PlanPain(RED, False, entry.entry_date, _hurt_m(ctx, entry))
    if episode is not None:
        runs = ctx.spikes[ctx.spikes[LOCAL_DATE] <= ctx.as_of]
        hurt = float(runs[DISTANCE_M].iloc[-1]) if not runs.empty else None
        return PlanPain(RED, False, None, hurt)
    if recent and recent[-1].zone == AMBER:
        return PlanPain(AMBER, False, recent[-1].entry_date, _hurt_m(ctx, recent[-1]))
    return PlanPain(None, False, None, None)


@dataclass(frozen=True, slots=True)
class PlanPain:
    """What recent pain does to the plan."""

    zone: str | None  # RED while a red episode is in force, AMBER while amber pain is latest
    is_stop: bool
    day: date | None  # the red or amber entry's day (None for pain rising week to week)
    hurt_m: float | None  # the run that hurt (metres)


def _hurt_m(ctx: RuleContext, day: PainDay) -> float | None:
    """The run the entry names, else the longest run of its day, else the latest before it."""
    runs = ctx.spikes
    if day.activity_id is not None:
        named = runs[runs[ACTIVITY_ID] == day.activity_id]
        if not named.empty:
            return float(named[DISTANCE_M].iloc[0])
    before = runs[runs[LOCAL_DATE] <= day.entry_date]
    if before.empty:
        return None
    same_day = before[before[LOCAL_DATE] == day.entry_date]
    return float((same_day if not same_day.empty else before.tail(1))[DISTANCE_M].max())


def _pain_cap_m(pain: PlanPain, ctx: RuleContext) -> float | None:
    """Red: under a fraction of the run that hurt (RULES.md R3; amber is `_growth`)."""
    if pain.hurt_m is None or pain.zone != RED:
        return None
    return pain.hurt_m * ctx.thresholds.red_pain_run_fraction


def _growth(pain: PlanPain, ctx: RuleContext) -> tuple[float, float]:
    """(spike ratio, weekly growth) a cap may use: while pain is amber, caps do not grow (RULES.md
    R3): 1.0x the longest recent run and the usual distance, not 1.1x and +10 %."""
    t = ctx.thresholds
    if pain.zone == AMBER:
        return 1.0, 0.0
    return t.small_spike_ratio, t.weekly_growth_ratio


def _held_days(ctx: RuleContext) -> set[date]:
    """Days whose run does not raise the return ladder: pain above 0-2 (R3 gates each step)."""
    return {d.entry_date for d in pain_days(ctx.pain, ctx) if d.zone in (AMBER, RED)}


def run_cap_m(ctx: RuleContext, day: date, log: RunLog, pain: PlanPain) -> float:
    """The most a run on `day` may cover (metres) under R1, the return ladder, R2 and pain,
    given `log` (recorded runs plus the plan's earlier runs). 0 when no run fits."""
    t = ctx.thresholds
    spike_ratio, _ = _growth(pain, ctx)
    spikes = ctx.memo("spike_window", lambda: SpikeWindow.of(ctx.spikes, t))
    recorded = spikes.cap_m(day, t)
    caps = [None if recorded is None else recorded / t.small_spike_ratio * spike_ratio]
    planned = [
        m for d, m in log.extra.items() if day - timedelta(days=SPIKE_WINDOW_DAYS) <= d < day
    ]
    if caps[0] is None and planned:
        # No recorded run in the window, but the plan's own runs are: R1 compares with those,
        # and a return is not stepped up inside one plan (each step waits for its pain score).
        caps[0] = max(planned)
    elif caps[0] is not None and planned and not spikes.has_settled_run(day):
        # The window holds only spikes, which R1 falls back to; once the plan's own earlier run
        # is done it is the window's settled run and the cap is read from it: promise no more.
        caps[0] = min(caps[0], max(planned) * spike_ratio)
    # With runs in the log, a day without a run in its window always follows a break.
    caps.append(return_cap_m(ctx.spikes, day, t, held=_held_days(ctx)))
    caps.append(_pain_cap_m(pain, ctx))
    # This week to date is compared with last week to the same weekday on EVERY later day of
    # the week (last week's total grows, and may cross the low-base floor on a rest day), so a
    # run must fit the limit of each remaining day, not only its own.
    start = week_start_of(day, ctx.week_start)
    week = min(
        weekly_limit_m(log, later, ctx.week_start, t, ctx_return_level_m(ctx, later))
        - log.total(start, later)
        for later in (day + timedelta(days=i) for i in range(7 - (day - start).days))
    )
    seven = progression_limit_m(log, day, t, ctx_return_level_m(ctx, day)) - log.total(
        day - timedelta(days=6), day
    )
    return max(0.0, min(c for c in (*caps, week, seven) if c is not None))


def current_week_m(ctx: RuleContext, plan: Sequence[PlanDay]) -> float:
    """The current calendar week when the plan is followed: its runs so far and the plan's
    runs left in it at their caps (metres)."""
    start = week_start_of(ctx.as_of, ctx.week_start)
    end = start + timedelta(days=6)
    planned = sum(
        p.max_distance_m or 0.0
        for p in plan
        if p.kind is PlanKind.RUN and not p.done and p.date <= end
    )
    return ctx.run_log.total(start, ctx.as_of) + planned


def headline_cap_m(ctx: RuleContext, plan: Sequence[PlanDay]) -> float | None:
    """The headline "next run: keep under" value: the first planned run's cap, or None when the
    plan holds no run (pain, or no running history)."""
    return next((p.max_distance_m for p in plan if p.kind is PlanKind.RUN and not p.done), None)
