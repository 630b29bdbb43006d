"""The plan's projected monotony (R5) when the whole plan is followed, and the changes that keep
it under the caution level. Split from rules/plan.py (issue #19).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from loadwatch.domain import PlanDay, PlanKind, Sport
from loadwatch.load.daily import (
    CROSS_TRAINING_SESSION_S,
    DEFAULT_EFFORT,
    DEFAULT_RUN_PACE_S_PER_M,
    STRENGTH_SESSION_S,
    monotony_and_strain,
    with_logged_strength,
)
from loadwatch.load.frames import DISTANCE_M, LOCAL_DATE, MOVING_S, SPORT
from loadwatch.rules.context import RuleContext
from loadwatch.rules.plan_sessions import STRENGTH
from loadwatch.rules.planner import PLAN_DAYS, Planner

MONOTONY_MARGIN = 0.95  # the plan keeps its projected monotony under 95 % of the caution level
# Cross-training and separate strength days give way already at 92 %: the room they leave keeps
# a promised run from giving way when the next days come into the window (issue #20, item 7).
GENTLE_MARGIN = 0.92
PACE_DAYS = 56  # the runner's pace for planned load: the runs of the last 8 weeks
MONOTONY = "monotony"  # the rule id (R5) a run that gives way names as its cause


def _pace_s_per_m(ctx: RuleContext) -> float:
    """The runner's median pace over the last 8 weeks (seconds a metre), else the default."""
    runs = ctx.activities[
        (ctx.activities[SPORT] == Sport.RUN.value)
        & (ctx.activities[LOCAL_DATE] > ctx.as_of - timedelta(days=PACE_DAYS))
        & (ctx.activities[DISTANCE_M] > 0)
    ]
    paces = (runs[MOVING_S] / runs[DISTANCE_M]).dropna()
    return float(paces.median()) if not paces.empty else DEFAULT_RUN_PACE_S_PER_M


def _load(planner: Planner, day: date, pace: float) -> float:
    """Projected session-RPE load of a planned day (effort x minutes; loadwatch defaults)."""
    p = planner.plan[day]
    load = 0.0
    if p.kind is PlanKind.RUN and p.max_distance_m:
        load += DEFAULT_EFFORT["run"] * p.max_distance_m * pace / 60
    if p.kind is PlanKind.CROSS_TRAINING:
        load += DEFAULT_EFFORT["ride"] * (p.duration_s or CROSS_TRAINING_SESSION_S) / 60
    if p.strength:
        load += DEFAULT_EFFORT["strength"] * STRENGTH_SESSION_S / 60
    return load


def _worst_monotony(planner: Planner, pace: float, past: pd.Series) -> tuple[float, date | None]:
    """The highest projected 7-day monotony over the plan's days, and its first day."""
    ctx = planner.ctx
    loads = {d: _load(planner, d, pace) for d in planner.open_days}
    if ctx.as_of not in loads and ctx.as_of in past.index:
        loads[ctx.as_of] = float(past[ctx.as_of])
    history = past[past.index < ctx.as_of]
    series: dict[date, float] = dict(
        zip(history.index, history.to_numpy(dtype=float).tolist(), strict=True)
    )
    series.update(loads)
    worst, worst_day = 0.0, None
    for day in sorted(planner.plan):
        week = pd.Series([series.get(day - timedelta(days=i), 0.0) for i in range(6, -1, -1)])
        value = monotony_and_strain(week)[0]
        if value > worst:
            worst, worst_day = value, day
    return worst, worst_day


def _lighter(planner: Planner, day: date, what: str) -> PlanDay:
    p = planner.plan[day]
    reason = (
        f"rest instead of {what}: keeps the week's monotony (R5) under "
        f"{planner.ctx.thresholds.monotony_caution:g} when you follow the whole plan"
    )
    if p.strength:
        return PlanDay(
            day, PlanKind.STRENGTH, reason + "; " + STRENGTH, caused_by=MONOTONY, strength=True
        )
    return PlanDay(day, PlanKind.REST, reason, caused_by=MONOTONY)


def _strength_to_run(planner: Planner, day: date) -> date | None:
    """An easy run day of `day`'s week that could take its strength session instead (no
    strength on it, none the day before or after), or None."""
    others = {d for d, p in planner.plan.items() if p.strength and d != day}
    others |= {d for d in planner.strength_days if d != day}
    week = planner.week(day)
    for d in planner.open_days:
        p = planner.plan[d]
        if (
            planner.week(d) == week
            and p.kind is PlanKind.RUN
            and not p.strength
            and d not in planner.long_days
            and all(abs((d - o).days) > 1 for o in others)
        ):
            return d
    return None


def _options(planner: Planner, near: list[date]) -> list[list[tuple[date, PlanDay]]]:
    """Ways to vary the week, gentlest first: a cross-training or strength-only day becomes
    rest (its strength moves to an easy run when one can take it)."""
    options = []
    for d in near:
        p = planner.plan[d]
        lighter = p.kind is PlanKind.STRENGTH or (
            p.kind is PlanKind.CROSS_TRAINING and (p.caused_by is None or d in planner.added_cross)
        )
        if not lighter:
            continue
        what = "cross-training" if p.kind is PlanKind.CROSS_TRAINING else "a separate day"
        reason = (
            f"rest instead of {what}: keeps the week's monotony (R5) under "
            f"{planner.ctx.thresholds.monotony_caution:g} when you follow the whole plan"
        )
        change = [(d, PlanDay(d, PlanKind.REST, reason))]
        if p.strength:
            target = _strength_to_run(planner, d)
            if target is None:
                change = [
                    (d, PlanDay(d, PlanKind.STRENGTH, reason + "; " + STRENGTH, strength=True))
                ]
            else:
                run = planner.plan[target]
                change.append(
                    (
                        target,
                        replace(run, reason=run.reason + "; add a " + STRENGTH, strength=True),
                    )
                )
        options.append(change)
    return options


def _scored(
    planner: Planner, options: list[list[tuple[date, PlanDay]]], pace: float, past: pd.Series
) -> list[tuple[float, date, list[tuple[date, PlanDay]]]]:
    """Each option's projected worst monotony, the plan left as it was."""
    scored = []
    for change in options:
        kept = {d: planner.plan[d] for d, _ in change}
        planner.plan.update(dict(change))
        scored.append((_worst_monotony(planner, pace, past)[0], change[0][0], change))
        planner.plan.update(kept)
    return scored


def _gentle_first(planner: Planner, pace: float, past: pd.Series, limit: float) -> None:
    """Below `limit` already, a cross-training or strength-only day gives way (never a run):
    the gentlest change that lowers the projected monotony, while one does."""
    for _ in range(PLAN_DAYS):
        worst, day = _worst_monotony(planner, pace, past)
        if day is None or worst < limit:
            return
        near = [d for d in planner.open_days if day - timedelta(days=7) < d <= day]
        scored = _scored(planner, _options(planner, near), pace, past)
        if not scored:
            return
        best = min(scored, key=lambda x: (x[0], x[1]))
        if best[0] >= worst:
            return
        planner.plan.update(dict(best[2]))


def keep_monotony(planner: Planner) -> None:
    """Following the whole plan must not reach the monotony caution (R5, R8): where the
    projected 7-day monotony would come near it, the change that lowers it most is made (a
    cross-training day becomes rest, a strength session joins an easy run; else an easy run
    becomes rest, its `caused_by` "monotony"), and the day says why."""
    ctx = planner.ctx
    limit = ctx.thresholds.monotony_caution * MONOTONY_MARGIN
    pace = _pace_s_per_m(ctx)
    past = with_logged_strength(ctx.daily, ctx.activities, ctx.strength_dates)
    _gentle_first(planner, pace, past, ctx.thresholds.monotony_caution * GENTLE_MARGIN)
    for _ in range(2 * PLAN_DAYS):
        worst, day = _worst_monotony(planner, pace, past)
        if day is None or worst < limit:
            return
        near = [d for d in planner.open_days if day - timedelta(days=7) < d <= day]
        options = _options(planner, near)
        if not options:
            options = [
                [(d, _lighter(planner, d, "a run"))]
                for d in near
                if planner.plan[d].kind is PlanKind.RUN and d not in planner.long_days
            ]
        scored = _scored(planner, options, pace, past)
        if not scored:
            return
        best = min(scored, key=lambda x: (x[0], x[1]))
        if best[0] >= worst and options and planner.plan[best[1]].kind is not PlanKind.RUN:
            # varying the other days does not help: an easy run gives way
            runs = [
                [(d, _lighter(planner, d, "a run"))]
                for d in near
                if planner.plan[d].kind is PlanKind.RUN and d not in planner.long_days
            ]
            if not runs:
                return
            planner.plan.update(dict(runs[-1]))
            continue
        planner.plan.update(dict(best[2]))
