"""R7 and R8 the 7-day plan: the season's week spread over the runner's run days, run caps that
the other rules allow, a rest day, cross-training and strength days (issues #9, #14, #20).

Each planned run's cap is the smallest of
- the season's target for its week (`rules/season.py`), spread over the week's run days by
  their usual share, so the long run grows no faster than the week;
- R1: 1.1x the longest recorded run of the 30 days before THAT day (`mileage.spike_cap_m`);
- the return ladder after more than 30 days off (`mileage.return_cap_m`);
- R2: what keeps this week to date within the weekly-growth limit and the 7 days up to that day
  within the progression limit, counting the plan's own earlier runs (`mileage.*_limit_m`);
- pain: amber pain holds caps at the run that hurt, a red episode keeps them under a fraction of
  it (and makes the next day no run) until a settled morning or a pain-free run; pain that must
  stop running removes every run (R3).
While an injury period is ongoing the plan holds no run; during the return each run is capped
at the ladder's current step, with a day between runs (rules/injury.py).
Every calendar week keeps a rest day (no run, no cross-training) and 2-3 cross-training days
where the week has room; strength sessions are the runner's programme count (or the default).
Sessions done count for their whole week. The plan's own sessions are checked against R5: a
cross-training day becomes rest where the projected monotony would reach the caution level.

The steps live in rules/plan_runs.py, plan_sessions.py and plan_monotony.py; the caps in
rules/plan_caps.py; the state they share in rules/planner.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from loadwatch.domain import Alert, PlanDay, PlanKind
from loadwatch.rules.context import RuleContext
from loadwatch.rules.plan_monotony import keep_monotony
from loadwatch.rules.plan_runs import place_runs, runnable_days
from loadwatch.rules.plan_sessions import place_non_impact_days, place_rest_days, place_strength
from loadwatch.rules.planner import Planner
from loadwatch.rules.season import Season, season


def weekly_plan(
    ctx: RuleContext, alerts: Sequence[Alert], the_season: Season | None = None
) -> list[PlanDay]:
    """Seven days from `ctx.as_of`: run (with a distance cap), cross-training, strength or rest.

    The steps run in the order RULES.md gives (recorded days, pain and injury, warnings, the
    season's week and the load caps, the rest day, cross-training, strength, monotony); each
    reads the days the previous one placed.

    Args:
        ctx: the rule context (its `spikes`, `activities`, `pain`, settings and strength log).
        alerts: `evaluate(ctx)` output, in rule order; the first trigger shapes the plan.
        the_season: `season(ctx)` when the caller has it already.

    Returns:
        Seven `PlanDay`s; each non-default choice names the rule id that caused it.
    """
    planner = Planner(ctx, alerts, the_season or season(ctx))
    place_runs(planner, runnable_days(planner))
    place_rest_days(planner)
    place_non_impact_days(planner)
    place_strength(planner)
    keep_monotony(planner)
    return _days(planner)


def _days(planner: Planner) -> list[PlanDay]:
    """The seven days; a log without runs says once why no run is planned."""
    plan = [planner.plan[d] for d in sorted(planner.plan)]
    if not any(p.kind is PlanKind.REST for p in plan):
        spare = next(
            (
                p
                for p in reversed(plan)
                if p.kind is PlanKind.CROSS_TRAINING and not p.done and p.caused_by is None
            ),
            None,
        )
        if spare is not None:
            plan[plan.index(spare)] = PlanDay(
                spare.date,
                PlanKind.REST,
                "rest day: no run and no cross-training (R8: one in every 7 days)",
            )
    if not planner.has_runs and planner.open_days and planner.injury.ongoing is None:
        first = planner.open_days[0]
        day = planner.plan[first]
        plan[plan.index(day)] = replace(
            day,
            reason="no runs in your log: loadwatch plans runs from your running history; "
            + day.reason,
        )
    return plan
