"""The 7-day plan being built: one PlanDay per date and what the placing steps share (the
runner's habit, pain, the trigger alert, injury state, recorded days). Split from
rules/plan.py (issue #19).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from loadwatch.domain import CROSS_TRAINING_SPORTS, Alert, PlanDay, PlanKind, Severity, Sport
from loadwatch.load.daily import CROSS_TRAINING_SESSION_S
from loadwatch.load.frames import LOCAL_DATE, SPORT
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext
from loadwatch.rules.injury import InjuryState, injury_state
from loadwatch.rules.pain import AMBER, KNEE_FRONT, RED
from loadwatch.rules.plan_caps import plan_pain
from loadwatch.rules.season import Season, week_totals

PLAN_DAYS = 7
TRIGGERS = {"run-spike", "weekly-growth", "two-week-growth", "monotony"}
LOW_IMPACT = "cycling, elliptical or swimming"
KNEE_FRIENDLY = "swimming or pool running"


def _trigger(alerts: Sequence[Alert]) -> Alert | None:
    """The first load or monotony alert (in rule order) at caution or worse: it swaps the next
    run for cross-training (R7). Pain acts through `plan_pain`; info never changes the plan."""
    for alert in alerts:
        if alert.rule_id in TRIGGERS and alert.severity is not Severity.INFO:
            return alert
    return None


class Planner:
    """The plan being built: one PlanDay per date, and what the steps share."""

    def __init__(self, ctx: RuleContext, alerts: Sequence[Alert], the_season: Season) -> None:
        self.ctx = ctx
        self.season = the_season
        self.habit = the_season.habit
        self.pain = plan_pain(ctx)
        self.trigger = _trigger(alerts)
        knee = self.pain.zone in (AMBER, RED) and any(
            a.rule_id == "pain" and a.advice for a in alerts if KNEE_FRONT in a.message
        )
        self.low_impact = KNEE_FRIENDLY if knee else LOW_IMPACT
        self.has_runs = not ctx.spikes.empty
        self.strength_days = self._strength_days()
        self.plan = self._recorded()
        self.open_days = [d for d, p in self.plan.items() if not p.done]
        self.long_days: set[date] = set()
        self.rest_days: set[date] = set()
        self.added_cross: set[date] = set()  # cross-training days added, not runs swapped
        self.reprojected = False  # the season re-read with this week as planned
        self.injury: InjuryState = injury_state(ctx)
        self.history = week_totals(ctx)

    def _strength_days(self) -> set[date]:
        """Days up to as_of with a strength session: from a file or logged (issue #22)."""
        acts = self.ctx.activities
        recorded = set(acts.loc[acts[SPORT] == Sport.STRENGTH.value, LOCAL_DATE])
        return recorded | {d for d in self.ctx.strength_dates if d <= self.ctx.as_of}

    def cross_days(self) -> set[date]:
        acts = self.ctx.activities
        sports = {c.value for c in CROSS_TRAINING_SPORTS}
        return set(acts.loc[acts[SPORT].isin(sports), LOCAL_DATE])

    def _recorded(self) -> dict[date, PlanDay]:
        """Today's recorded sessions count as done; every other day starts as rest."""
        ctx = self.ctx
        today = ctx.activities[ctx.activities[LOCAL_DATE] == ctx.as_of]
        sports = set(today[SPORT])
        cross = sorted(sports & {c.value for c in CROSS_TRAINING_SPORTS})
        strength = ctx.as_of in self.strength_days
        plan = {}
        for day in (ctx.as_of + timedelta(days=i) for i in range(PLAN_DAYS)):
            plan[day] = PlanDay(day, PlanKind.REST, "rest day")
        day = ctx.as_of
        if day in set(ctx.spikes[LOCAL_DATE]):
            plan[day] = PlanDay(day, PlanKind.RUN, "run recorded", done=True, strength=strength)
        elif cross:
            plan[day] = PlanDay(
                day,
                PlanKind.CROSS_TRAINING,
                f"{cross[0]} recorded: cross-training already done",
                sport=cross[0],
                done=True,
                strength=strength,
            )
        elif strength:
            plan[day] = PlanDay(
                day, PlanKind.STRENGTH, "strength session recorded", done=True, strength=True
            )
        return plan

    def week(self, day: date) -> date:
        return week_start_of(day, self.ctx.week_start)

    def cross(self, day: date, reason: str, caused_by: str | None) -> None:
        self.plan[day] = PlanDay(
            day,
            PlanKind.CROSS_TRAINING,
            reason,
            sport=self.low_impact,
            caused_by=caused_by,
            duration_s=CROSS_TRAINING_SESSION_S,
        )
