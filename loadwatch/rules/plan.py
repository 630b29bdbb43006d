"""R7 the 7-day plan: run caps that the other rules allow, cross-training and strength days.

The plan is a rule like the others (issue #9): each planned run's cap is the smallest of
- R1: 1.1x the longest recorded run of the 30 days before THAT day (`mileage.spike_cap_m`);
- the return ladder after more than 30 days off (`mileage.return_cap_m`);
- R2: what keeps this week to date within the weekly-growth limit and the 7 days up to that day
  within the progression limit, counting the plan's own earlier runs (`mileage.*_limit_m`);
- pain: amber pain holds caps at the run that hurt, red pain keeps them under a fraction of it
  and makes the next day no run; pain that must stop running removes every run (R3);
- the runner's own habit: each weekday's usual distance plus the weekly growth allowance.
So running every planned day at its cap fires neither R1 nor R2 (a hypothesis property test).
While an injury period is ongoing the plan holds no run: its habitual run days become
cross-training that spares the injured site, labelled as suggestions to clear with a
professional; during the return each run is capped at the ladder's current step, with a day
between runs (issue #14; rules/injury.py).
Counts of non-impact and strength days are labelled loadwatch defaults (no trial prescribes
them); recorded rides, swims and strength sessions count as done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from loadwatch.domain import (
    CROSS_TRAINING_SPORTS,
    Alert,
    InjuryPeriod,
    PlanDay,
    PlanKind,
    Severity,
    Sport,
)
from loadwatch.load.frames import ACTIVITY_ID, DISTANCE_M, LOCAL_DATE, SPORT
from loadwatch.load.runlog import RunLog
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext
from loadwatch.rules.injury import InjuryState, injury_state, site_name, sparing
from loadwatch.rules.measures import SPIKE_WINDOW_DAYS
from loadwatch.rules.mileage import (
    progression_limit_m,
    return_cap_m,
    spike_cap_m,
    weekly_limit_m,
)
from loadwatch.rules.pain import AMBER, KNEE_FRONT, RED, PainDay, must_stop, pain_days

PLAN_DAYS = 7
HABIT_DAYS = 28
DEFAULT_RUN_WEEKDAYS = (1, 3, 5, 6)  # Tue, Thu, Sat, Sun when there is no history to follow
TRIGGERS = {"pain", "run-spike", "weekly-growth", "two-week-growth", "monotony"}
LOW_IMPACT = "cycling, elliptical or swimming"
KNEE_FRIENDLY = "swimming or pool running"
WARNING_CROSS_TRAINING_DAYS = 2  # while a warning is active (the seeds say 2-3)
STRENGTH = (
    "strength session (loadwatch default, two a week): strength training cut sports injuries "
    "to about a third across sports (Lauersen 2014), though a trial in marathon runners found "
    "no effect (Toresdahl 2020)"
)


def _trigger(alerts: Sequence[Alert]) -> Alert | None:
    """The first alert (in rule order) that should change the plan: caution or worse, or R5."""
    for alert in alerts:
        if alert.rule_id not in TRIGGERS:
            continue
        if alert.severity is not Severity.INFO or alert.rule_id == "monotony":
            return alert
    return None


@dataclass(frozen=True, slots=True)
class _Habit:
    """Weekdays the runner runs on and each weekday's usual distance (metres), last 28 days."""

    weekdays: tuple[int, ...]
    usual_m: dict[int, float]
    long_weekday: int | None


def _habit(ctx: RuleContext) -> _Habit:
    runs = ctx.spikes[ctx.spikes[LOCAL_DATE] > ctx.as_of - timedelta(days=HABIT_DAYS)]
    runs = runs[runs[LOCAL_DATE] <= ctx.as_of]
    if runs.empty:
        return _Habit(DEFAULT_RUN_WEEKDAYS, {}, None)
    per_day: dict[date, float] = {}
    for day, distance in zip(runs[LOCAL_DATE], runs[DISTANCE_M], strict=True):
        per_day[day] = per_day.get(day, 0.0) + float(distance)
    counts = Counter(d.weekday() for d in per_day)
    weekdays = sorted(d for d, n in counts.items() if n >= 2) or sorted(counts)
    totals: dict[int, list[float]] = {}
    for day, distance in per_day.items():
        totals.setdefault(day.weekday(), []).append(distance)
    usual = {w: sum(v) / len(v) for w, v in totals.items()}
    long_weekday = max(weekdays, key=lambda w: usual.get(w, 0.0))
    return _Habit(tuple(weekdays), usual, long_weekday)


@dataclass(frozen=True, slots=True)
class _Pain:
    """What recent pain does to the plan."""

    zone: str | None
    is_stop: bool
    day: date | None
    hurt_m: float | None  # the run that hurt (metres)


def _pain(ctx: RuleContext) -> _Pain:
    days = [d for d in pain_days(ctx.pain, ctx) if d.entry_date > ctx.as_of - timedelta(days=7)]
    if not days:
        return _Pain(None, False, None, None)
    latest: PainDay = days[-1]
    return _Pain(latest.zone, must_stop(latest, ctx), latest.entry_date, _hurt_m(ctx, latest))


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


def _pain_cap_m(pain: _Pain, ctx: RuleContext) -> float | None:
    """Red: under a fraction of the run that hurt (RULES.md R3; amber is `_growth`)."""
    if pain.hurt_m is None or pain.zone != RED:
        return None
    return pain.hurt_m * ctx.thresholds.red_pain_run_fraction


def _growth(pain: _Pain, ctx: RuleContext) -> tuple[float, float]:
    """(spike ratio, weekly growth) a cap may use: while pain is amber, caps do not grow (RULES.md
    R3): 1.0x the longest recent run and the usual distance, not 1.1x and +10 %."""
    t = ctx.thresholds
    if pain.zone == AMBER:
        return 1.0, 0.0
    return t.small_spike_ratio, t.weekly_growth_ratio


def _held_days(ctx: RuleContext) -> set[date]:
    """Days whose run does not raise the return ladder: pain above 0-2 (R3 gates each step)."""
    return {d.entry_date for d in pain_days(ctx.pain, ctx) if d.zone in (AMBER, RED)}


def run_cap_m(ctx: RuleContext, day: date, log: RunLog, pain: _Pain) -> float:
    """The most a run on `day` may cover (metres) under R1, the return ladder, R2 and pain,
    given `log` (recorded runs plus the plan's earlier runs). 0 when no run fits."""
    t = ctx.thresholds
    spike_ratio, _ = _growth(pain, ctx)
    recorded = spike_cap_m(ctx.spikes, day, t)
    caps = [None if recorded is None else recorded / t.small_spike_ratio * spike_ratio]
    planned = [
        m for d, m in log.extra.items() if day - timedelta(days=SPIKE_WINDOW_DAYS) <= d < day
    ]
    if caps[0] is None and planned:
        # No recorded run in the window, but the plan's own runs are: R1 compares with those,
        # and a return is not stepped up inside one plan (each step waits for its pain score).
        caps[0] = max(planned)
    # With runs in the log, a day without a run in its window always follows a break.
    caps.append(return_cap_m(ctx.spikes, day, t, held=_held_days(ctx)))
    caps.append(_pain_cap_m(pain, ctx))
    # This week to date is compared with last week to the same weekday on EVERY later day of
    # the week (last week's total grows, and may cross the low-base floor on a rest day), so a
    # run must fit the limit of each remaining day, not only its own.
    start = week_start_of(day, ctx.week_start)
    week = min(
        weekly_limit_m(log, later, ctx.week_start, t) - log.total(start, later)
        for later in (day + timedelta(days=i) for i in range(7 - (day - start).days))
    )
    seven = progression_limit_m(log, day, t) - log.total(day - timedelta(days=6), day)
    return max(0.0, min(c for c in (*caps, week, seven) if c is not None))


def headline_cap_m(ctx: RuleContext, plan: Sequence[PlanDay]) -> float | None:
    """The headline "next run: keep under" value: the first planned run's cap, or None when the
    plan holds no run (pain, or no running history)."""
    return next((p.max_distance_m for p in plan if p.kind is PlanKind.RUN and not p.done), None)


def weekly_plan(ctx: RuleContext, alerts: Sequence[Alert]) -> list[PlanDay]:
    """Seven days from `ctx.as_of`: run (with a distance cap), cross-training, strength or rest.

    The steps run in the order RULES.md gives (recorded days, pain, warnings, load caps,
    non-impact days, strength); each reads the days the previous one placed.

    Args:
        ctx: the rule context (its `spikes`, `activities` and `pain` frames).
        alerts: `evaluate(ctx)` output, in rule order; the first trigger shapes the plan.

    Returns:
        Seven `PlanDay`s; each non-default choice names the rule id that caused it.
    """
    planner = _Planner(ctx, alerts)
    planner.place_runs(planner.runnable_days())
    planner.place_non_impact_days()
    planner.place_strength()
    return planner.days()


class _Planner:
    """The plan being built: one PlanDay per date, and what the steps share."""

    def __init__(self, ctx: RuleContext, alerts: Sequence[Alert]) -> None:
        self.ctx = ctx
        self.habit = _habit(ctx)
        self.pain = _pain(ctx)
        self.trigger = _trigger(alerts)
        knee = self.pain.zone in (AMBER, RED) and any(
            a.rule_id == "pain" and a.advice for a in alerts if KNEE_FRONT in a.message
        )
        self.low_impact = KNEE_FRIENDLY if knee else LOW_IMPACT
        self.has_runs = not ctx.spikes.empty
        self.plan = self._recorded()
        self.open_days = [d for d, p in self.plan.items() if not p.done]
        self.long_day: date | None = None
        self.done_strength = sum(p.kind is PlanKind.STRENGTH and p.done for p in self.plan.values())
        self.injury: InjuryState = injury_state(ctx)

    def _recorded(self) -> dict[date, PlanDay]:
        """Today's recorded activities count as done; every other day starts as rest."""
        ctx = self.ctx
        today = ctx.activities[ctx.activities[LOCAL_DATE] == ctx.as_of]
        sports = set(today[SPORT])
        cross = sorted(sports & {c.value for c in CROSS_TRAINING_SPORTS})
        plan = {}
        for day in (ctx.as_of + timedelta(days=i) for i in range(PLAN_DAYS)):
            plan[day] = PlanDay(day, PlanKind.REST, "rest day")
        day = ctx.as_of
        if cross:
            plan[day] = PlanDay(
                day,
                PlanKind.CROSS_TRAINING,
                f"{cross[0]} recorded: cross-training already done",
                sport=cross[0],
                done=True,
            )
        elif Sport.STRENGTH.value in sports:
            plan[day] = PlanDay(day, PlanKind.STRENGTH, "strength session recorded", done=True)
        elif day in set(ctx.spikes[LOCAL_DATE]):
            plan[day] = PlanDay(day, PlanKind.RUN, "run recorded", done=True)
        return plan

    def cross(self, day: date, reason: str, caused_by: str | None) -> None:
        self.plan[day] = PlanDay(
            day, PlanKind.CROSS_TRAINING, reason, sport=self.low_impact, caused_by=caused_by
        )

    def runnable_days(self) -> list[date]:
        """Habitual run days that pain and warnings leave as runs; the others become
        cross-training with the reason (RULES.md R3 and R7)."""
        pain, low_impact = self.pain, self.low_impact
        if self.injury.ongoing is not None:
            self._injured(self.injury.ongoing)
            return []
        candidates = (
            [d for d in self.open_days if d.weekday() in self.habit.weekdays]
            if self.has_runs
            else []
        )
        runnable = []
        first_open = self.open_days[0] if self.open_days else None
        for day in candidates:
            if pain.is_stop:
                self.cross(
                    day,
                    "no running until you have seen a physiotherapist or sports doctor "
                    f"(pain); {low_impact} only if it does not hurt",
                    "pain",
                )
            elif (
                pain.zone == RED
                and pain.day is not None
                and (day <= pain.day + timedelta(days=1) or day == first_open)
            ):
                self.cross(day, f"no run the day after red-zone pain: {low_impact} instead", "pain")
            else:
                runnable.append(day)
        trigger = self.trigger
        if trigger is not None and runnable and trigger.rule_id != "pain":
            self.cross(
                runnable[0],
                f"replaces your next run with {low_impact} of similar duration "
                f"(because of the {trigger.rule_id} {trigger.severity.value})",
                trigger.rule_id,
            )
            runnable = runnable[1:]
        return runnable

    def _injured(self, period: InjuryPeriod) -> None:
        """An ongoing injury period: every habitual run day becomes cross-training that spares
        the injured site, as a suggestion to clear with a professional (issue #14)."""
        cross, _ = sparing(period.location)
        self.low_impact = cross
        for day in (d for d in self.open_days if d.weekday() in self.habit.weekdays):
            self.cross(
                day,
                f"injured ({site_name(period)}): no running; a suggestion to clear with your "
                f"physiotherapist or doctor: {cross}, only if it does not hurt",
                "injury",
            )

    def _return_days(self, runnable: list[date]) -> list[date]:
        """During the return ladder: a day between runs (walk-run programmes run on alternate
        days); the days left out stay rest days."""
        ran = [d for d in self.ctx.spikes[LOCAL_DATE] if d <= self.ctx.as_of]
        last = max(ran) if ran else None
        kept = []
        for day in runnable:
            if last is None or (day - last).days > 1:
                kept.append(day)
                last = day
        return kept

    def place_runs(self, runnable: list[date]) -> None:
        """Caps day by day, counting the plan's own earlier runs (`run_cap_m`)."""
        ctx, habit, t = self.ctx, self.habit, self.ctx.thresholds
        ladder = self.injury.ladder if self.injury.is_returning else None
        if ladder is not None:
            runnable = self._return_days(runnable)
        self.long_day = max(
            runnable, key=lambda d: habit.usual_m.get(d.weekday(), 0.0), default=None
        )
        after_long = self._after_long()
        # The day after the longest run is non-impact while a warning is active, or when the
        # runner would otherwise have no day off at all; a back-to-back weekend stays as it is.
        no_day_off = all(d in runnable or p.kind is PlanKind.RUN for d, p in self.plan.items())
        if after_long in runnable and (self.trigger is not None or no_day_off):
            self.cross(after_long, "non-impact day after the week's longest run", None)
            runnable = [d for d in runnable if d != after_long]
        log = ctx.run_log
        for day in runnable:
            cap = run_cap_m(ctx, day, log, self.pain)
            usual = habit.usual_m.get(day.weekday())
            if usual is not None:
                cap = min(cap, usual * (1 + _growth(self.pain, ctx)[1]))
            if ladder is not None:
                cap = min(cap, ladder.step.distance_m)
            if cap < t.min_planned_run_m:
                least = ctx.distance(t.min_planned_run_m)
                self.cross(day, f"no run: the load and pain caps leave less than {least}", None)
                continue
            log = log.with_run(day, cap)
            why = "easy run" if day != self.long_day else "the week's longest run"
            if ladder is not None:
                step = ladder.step
                why = (
                    f"return ladder step {step.number} of {len(ladder.steps)} ({step.pattern}); "
                    f"the next step unlocks after pain 0-{t.pain_safe_max} that settles by the "
                    "next morning"
                )
            self.plan[day] = PlanDay(
                day, PlanKind.RUN, f"{why}; keep it under {ctx.distance(cap)}", cap
            )

    def _after_long(self) -> date | None:
        return self.long_day + timedelta(days=1) if self.long_day is not None else None

    def place_non_impact_days(self) -> None:
        """Two while a warning is active, else the default; recorded ones count."""
        t = self.ctx.thresholds
        wanted = WARNING_CROSS_TRAINING_DAYS if self.trigger is not None else t.cross_training_days
        after_long = self._after_long()
        while sum(p.kind is PlanKind.CROSS_TRAINING for p in self.plan.values()) < wanted:
            rest = [d for d in self.open_days if self.plan[d].kind is PlanKind.REST]
            if not rest:
                break
            self.cross(
                after_long if after_long in rest else rest[0],
                "non-impact day (loadwatch default: one a week, two while a warning is active)",
                self.trigger.rule_id if self.trigger is not None else None,
            )

    def place_strength(self) -> None:
        """The default count, recorded sessions included, never on consecutive days: on rest
        days first, else with easy runs (each placed counts for the spacing of the next)."""
        needed = self.ctx.thresholds.strength_sessions - self.done_strength
        chosen: list[date] = []

        def spaced(day: date) -> bool:
            return len(chosen) < needed and all(abs((day - s).days) > 1 for s in chosen)

        text = STRENGTH
        if self.injury.ongoing is not None:
            text = (
                f"strength session: {sparing(self.injury.ongoing.location)[1]}, sparing the "
                f"{site_name(self.injury.ongoing)}; a suggestion to clear with your "
                "physiotherapist or doctor (loadwatch default, two a week)"
            )
        for day in [d for d in self.open_days if self.plan[d].kind is PlanKind.REST]:
            if spaced(day):
                chosen.append(day)
                self.plan[day] = PlanDay(day, PlanKind.STRENGTH, text)
        for day in self.open_days:
            run = self.plan[day]
            if run.kind is PlanKind.RUN and day != self.long_day and spaced(day):
                chosen.append(day)
                self.plan[day] = PlanDay(
                    day,
                    PlanKind.RUN,
                    run.reason + "; add a strength session",
                    run.max_distance_m,
                    strength=True,
                )

    def days(self) -> list[PlanDay]:
        """The seven days; a log without runs says once why no run is planned."""
        plan = [self.plan[d] for d in sorted(self.plan)]
        if not self.has_runs and self.open_days and self.injury.ongoing is None:
            first = self.open_days[0]
            day = self.plan[first]
            plan[plan.index(day)] = PlanDay(
                first,
                day.kind,
                "no runs in your log: loadwatch plans runs from your running history; "
                + day.reason,
                day.max_distance_m,
                day.sport,
                day.caused_by,
            )
        return plan
