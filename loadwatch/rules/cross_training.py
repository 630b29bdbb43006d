"""R7 suggested cross-training days: a 7-day plan from the as-of date (product defaults).

No trial prescribes a number of days, so these are labelled defaults: after a warning the next
run becomes a low-impact session; the day after the week's longest run is non-impact; never two
run days in a row while a warning is active; two strength sessions a week (Lauersen 2014).
Recorded rides and swims count as cross-training already done.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from loadwatch.domain import CROSS_TRAINING_SPORTS, Alert, PlanDay, PlanKind, Severity
from loadwatch.load.frames import DISTANCE_M, LOCAL_DATE, SPORT
from loadwatch.rules.context import RuleContext
from loadwatch.rules.mileage import next_run_cap_m

PLAN_DAYS = 7
DEFAULT_RUN_WEEKDAYS = (1, 3, 5, 6)  # Tue, Thu, Sat, Sun when there is no history to follow
TRIGGERS = {"pain", "run-spike", "weekly-growth", "two-week-growth", "monotony"}
LOW_IMPACT = "cycling, elliptical or swimming"
KNEE_FRIENDLY = "swimming or pool running"


def _trigger(alerts: Sequence[Alert]) -> Alert | None:
    """The first alert (in rule order) that should change the plan: caution or worse, or R5."""
    for alert in alerts:
        if alert.rule_id not in TRIGGERS:
            continue
        if alert.severity is not Severity.INFO or alert.rule_id == "monotony":
            return alert
    return None


def _habits(ctx: RuleContext) -> tuple[list[int], int | None]:
    """Weekdays with 2+ runs in the last 28 days, and the weekday of the usual long run."""
    runs = ctx.spikes[(ctx.spikes[LOCAL_DATE] > ctx.as_of - timedelta(days=28))]
    runs = runs[runs[LOCAL_DATE] <= ctx.as_of]
    if runs.empty:
        return list(DEFAULT_RUN_WEEKDAYS), None
    weekdays = [d.weekday() for d in runs[LOCAL_DATE]]
    counts = Counter(weekdays)
    habitual = sorted(d for d, n in counts.items() if n >= 2) or sorted(counts)
    totals: dict[int, list[float]] = {}
    for weekday, distance in zip(weekdays, runs[DISTANCE_M], strict=True):
        totals.setdefault(weekday, []).append(float(distance))
    long_run = max(totals, key=lambda d: sum(totals[d]) / len(totals[d]))
    return habitual, long_run


def weekly_plan(ctx: RuleContext, alerts: Sequence[Alert]) -> list[PlanDay]:
    """Seven days from `ctx.as_of`: run (with a distance cap), cross-training, strength or rest.

    Args:
        ctx: the rule context (its `spikes` and `activities` frames).
        alerts: `evaluate(ctx)` output, in rule order; the first trigger shapes the plan.

    Returns:
        Seven `PlanDay`s; each non-default choice names the rule id that caused it.
    """
    days = [ctx.as_of + timedelta(days=i) for i in range(PLAN_DAYS)]
    habitual, long_run_weekday = _habits(ctx)
    trigger = _trigger(alerts)
    knee = any(a.rule_id == "pain" and a.advice for a in alerts)
    low_impact = KNEE_FRIENDLY if knee else LOW_IMPACT
    cap = next_run_cap_m(ctx.spikes, ctx.as_of, ctx.thresholds.small_spike_ratio)
    cap_reason = "easy run; keep it under 1.1x your longest run of the last 30 days"
    if cap is None:
        cap = ctx.thresholds.returning_run_cap_m
        cap_reason = "short, easy first run after a break"
    done = ctx.activities[ctx.activities[SPORT].isin([s.value for s in CROSS_TRAINING_SPORTS])]
    done_days = dict(zip(done[LOCAL_DATE], done[SPORT], strict=True))
    ran_days = set(ctx.spikes[LOCAL_DATE])

    plan: dict[date, PlanDay] = {}
    for day in days:
        if day in done_days:
            plan[day] = PlanDay(
                day,
                PlanKind.CROSS_TRAINING,
                f"{done_days[day]} recorded: cross-training already done",
                sport=done_days[day],
                done=True,
            )
        elif day in ran_days:
            plan[day] = PlanDay(day, PlanKind.RUN, "run recorded", done=True)
        elif day.weekday() in habitual:
            plan[day] = PlanDay(day, PlanKind.RUN, f"{cap_reason} ({ctx.distance(cap)})", cap)
        else:
            plan[day] = PlanDay(day, PlanKind.REST, "rest day")

    def cross(day: date, reason: str, caused_by: str | None) -> None:
        if not plan[day].done:
            plan[day] = PlanDay(
                day, PlanKind.CROSS_TRAINING, reason, sport=low_impact, caused_by=caused_by
            )

    run_days = [d for d in days if plan[d].kind is PlanKind.RUN and not plan[d].done]
    if trigger is not None and run_days:
        cross(
            run_days[0],
            f"replaces your next run with {low_impact} of similar duration "
            f"(because of the {trigger.rule_id} {trigger.severity.value})",
            trigger.rule_id,
        )
        for previous, day in itertools.pairwise(days):
            if plan[previous].kind is PlanKind.RUN and plan[day].kind is PlanKind.RUN:
                cross(
                    day,
                    f"no two run days in a row while a warning is active ({trigger.rule_id})",
                    trigger.rule_id,
                )
    if long_run_weekday is not None:
        long_days = [
            d for d in days if d.weekday() == long_run_weekday and plan[d].kind is PlanKind.RUN
        ]
        after = long_days[0] + timedelta(days=1) if long_days else None
        if after in plan and plan[after].kind is not PlanKind.CROSS_TRAINING:
            cross(after, "non-impact day after the week's longest run", None)
    if not any(plan[d].kind is PlanKind.CROSS_TRAINING for d in days):
        rest = [d for d in days if plan[d].kind is PlanKind.REST]
        if rest:
            cross(rest[0], "at least one non-impact day a week (product default)", None)
    rest_days = [d for d in days if plan[d].kind is PlanKind.REST]
    strength: list[date] = []
    for day in rest_days:
        if len(strength) < 2 and all(abs((day - s).days) > 1 for s in strength):
            strength.append(day)
    for day in strength:
        plan[day] = PlanDay(
            day,
            PlanKind.STRENGTH,
            "strength session: strength training cut sports injuries to about a third (RR 0.32)",
        )
    return [plan[d] for d in days]
