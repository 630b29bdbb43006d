"""The plan's other days: the weekly rest day, 2-3 cross-training days where the week has room,
and the strength sessions of the runner's programme (R8). Split from rules/plan.py
(issue #19).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from loadwatch.domain import PlanDay, PlanKind
from loadwatch.load.daily import CROSS_TRAINING_SESSION_S
from loadwatch.rules.injury_sites import site_name, sparing
from loadwatch.rules.planner import PLAN_DAYS, Planner

MAX_CROSS_TRAINING_DAYS = 3  # the seeds say 2-3 a week
WARNING_CROSS_TRAINING_DAYS = 2  # while a warning is active (the seeds say 2-3)
STRENGTH = (
    "strength session (hip and knee work, about 30 min, loadwatch default): strength training "
    "cut sports injuries to about a third across sports (Lauersen 2014), though a trial in "
    "marathon runners found no effect (Toresdahl 2020)"
)


def _rest_weekday(planner: Planner) -> int:
    """The week's rest day: the day before the long run when it is free, else the first
    weekday without a run, else the day after the long run."""
    weekdays = planner.habit.weekdays
    free = [w for w in range(7) if w not in weekdays]
    long = planner.habit.long_weekday
    if long is not None and (long - 1) % 7 in free:
        return (long - 1) % 7
    if free:
        return free[0]
    return ((long or 0) + 1) % 7


def place_rest_days(planner: Planner) -> None:
    """One rest day in every 7 (R8): no run and no cross-training."""
    rest = _rest_weekday(planner)
    for day in planner.open_days:
        if day.weekday() == rest:
            planner.plan[day] = PlanDay(
                day,
                PlanKind.REST,
                "rest day: no run and no cross-training (R8: one in every 7 days)",
            )
            planner.rest_days.add(day)


def place_non_impact_days(planner: Planner) -> None:
    """2-3 cross-training days a week where the week has room (the plan's swapped runs and
    recorded rides, swims and sessions of the week count); the rest day says why fewer."""
    t = planner.ctx.thresholds
    wanted = min(
        MAX_CROSS_TRAINING_DAYS,
        max(t.cross_training_days, WARNING_CROSS_TRAINING_DAYS if planner.trigger else 0),
    )
    recorded = planner.cross_days()
    after_long = {d + timedelta(days=1) for d in planner.long_days}
    weeks = sorted({planner.week(d) for d in planner.plan})
    for start in weeks:
        days = [d for d in planner.plan if planner.week(d) == start]
        done = sum(
            1
            for i in range(7)
            if (d := start + timedelta(days=i)) < planner.ctx.as_of and d in recorded
        )
        have = done + sum(planner.plan[d].kind is PlanKind.CROSS_TRAINING for d in days)
        free = sorted(
            (
                d
                for d in days
                if d in planner.open_days
                and planner.plan[d].kind is PlanKind.REST
                and d not in planner.rest_days
            ),
            key=lambda d: (d not in after_long, d),
        )
        while have < wanted and free:
            day = free.pop(0)
            planner.added_cross.add(day)
            planner.cross(
                day,
                f"cross-training day: {planner.low_impact}, about "
                f"{CROSS_TRAINING_SESSION_S / 60:.0f} min easy (loadwatch default: "
                f"{t.cross_training_days} a week where the week has room; the seeds say 2-3)",
                planner.trigger.rule_id if planner.trigger is not None else None,
            )
            have += 1
        if have < wanted:
            rest = next((d for d in days if d in planner.rest_days), None)
            if rest is not None:
                runs = len(planner.habit.weekdays)
                planner.plan[rest] = replace(
                    planner.plan[rest],
                    reason=planner.plan[rest].reason
                    + f"; this week has room for {have} cross-training day(s), not "
                    f"{wanted}: {runs} run days and this rest day fill it",
                )


def place_strength(planner: Planner) -> None:
    """The runner's programme count a week (else the default), done sessions included,
    never on consecutive days: with cross-training first, then on a free day, then with an
    easy run; only when the week has no such day left, with the long run, then on the
    rest day (still no run and no cross-training)."""
    ctx = planner.ctx
    per_week = ctx.strength_target_per_week or ctx.thresholds.strength_sessions
    text = STRENGTH
    if planner.injury.ongoing is not None:
        text = (
            f"strength session: {sparing(planner.injury.ongoing.location)[1]}, sparing the "
            f"{site_name(planner.injury.ongoing)}; a suggestion to clear with your "
            "physiotherapist or doctor (loadwatch default)"
        )
    chosen = set(planner.strength_days)
    for start in sorted({planner.week(d) for d in planner.plan}):
        days = [d for d in planner.open_days if planner.week(d) == start]
        done = sum(1 for d in chosen if planner.week(d) == start)
        needed = per_week - done

        def kind_order(day: date) -> tuple[int, date]:
            p = planner.plan[day]
            if p.kind is PlanKind.CROSS_TRAINING:
                return 0, day
            if p.kind is PlanKind.REST:
                return 1, day
            return 2, day

        # a week that goes on beyond the 7 days keeps its run days free when its later
        # days hold cross-training days: they take its strength sessions
        last = planner.ctx.as_of + timedelta(days=PLAN_DAYS - 1)
        rest = _rest_weekday(planner)
        hidden = [start + timedelta(days=i) for i in range(7)]
        is_partial = any(
            d > last and d.weekday() not in planner.habit.weekdays and d.weekday() != rest
            for d in hidden
        )
        candidates = [
            d
            for d in days
            if d not in planner.rest_days
            and d not in planner.long_days
            and not (
                planner.plan[d].kind is PlanKind.RUN and (planner.injury.is_returning or is_partial)
            )
        ]
        # the week's own days first; when they leave none (only the rest day, the long
        # run's day and their neighbours are left, or its later days lie beyond the 7),
        # the session joins a run day, then the long run's day, then the rest day (still
        # no run and no cross-training): a week due its sessions always holds them
        fallback = sorted(
            (d for d in days if d not in candidates and not is_partial),
            key=lambda d: (d in planner.rest_days, d in planner.long_days, d),
        )
        for day in [*sorted(candidates, key=kind_order), *fallback]:
            if needed <= 0:
                break
            if any(abs((day - s).days) <= 1 for s in chosen):
                continue
            p = planner.plan[day]
            chosen.add(day)
            needed -= 1
            if p.kind is PlanKind.REST:
                why = p.reason + "; " + text if day in planner.rest_days else text
                planner.plan[day] = PlanDay(day, PlanKind.STRENGTH, why, strength=True)
            else:
                planner.plan[day] = replace(p, reason=p.reason + "; add a " + text, strength=True)
