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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from loadwatch.domain import (
    CROSS_TRAINING_SPORTS,
    Alert,
    InjuryPeriod,
    PlanDay,
    PlanKind,
    Severity,
    Sport,
)
from loadwatch.load.daily import (
    CROSS_TRAINING_SESSION_S,
    DEFAULT_EFFORT,
    DEFAULT_RUN_PACE_S_PER_M,
    STRENGTH_SESSION_S,
    monotony_and_strain,
    with_logged_strength,
)
from loadwatch.load.frames import ACTIVITY_ID, DISTANCE_M, LOCAL_DATE, MOVING_S, SPORT
from loadwatch.load.runlog import RunLog
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext
from loadwatch.rules.injury import InjuryState, injury_state, site_name, sparing
from loadwatch.rules.measures import REFERENCE_PERIODS, SPIKE_WINDOW_DAYS
from loadwatch.rules.mileage import (
    ctx_return_level_m,
    progression_limit_m,
    return_cap_m,
    spike_cap_m,
    weekly_limit_m,
)
from loadwatch.rules.pain import (
    AMBER,
    KNEE_FRONT,
    RED,
    PainDay,
    must_stop,
    pain_days,
    red_episode,
)
from loadwatch.rules.season import SPACED_WEEKS, Season, season, week_totals

PLAN_DAYS = 7
MAX_CROSS_TRAINING_DAYS = 3  # the seeds say 2-3 a week
TRIGGERS = {"run-spike", "weekly-growth", "two-week-growth", "monotony"}
LOW_IMPACT = "cycling, elliptical or swimming"
KNEE_FRIENDLY = "swimming or pool running"
WARNING_CROSS_TRAINING_DAYS = 2  # while a warning is active (the seeds say 2-3)
MONOTONY_MARGIN = 0.95  # the plan keeps its projected monotony under 95 % of the caution level
PACE_DAYS = 56  # the runner's pace for planned load: the runs of the last 8 weeks
STRENGTH = (
    "strength session (hip and knee work, about 30 min, loadwatch default): strength training "
    "cut sports injuries to about a third across sports (Lauersen 2014), though a trial in "
    "marathon runners found no effect (Toresdahl 2020)"
)


def _trigger(alerts: Sequence[Alert]) -> Alert | None:
    """The first load or monotony alert (in rule order) at caution or worse: it swaps the next
    run for cross-training (R7). Pain acts through `_pain`; info never changes the plan."""
    for alert in alerts:
        if alert.rule_id in TRIGGERS and alert.severity is not Severity.INFO:
            return alert
    return None


def _pain(ctx: RuleContext) -> _Pain:
    """Pain that must stop running (the latest entry of 7 days), else a red episode in force
    (it ends with a settled morning or a pain-free run, R3), else amber as the latest entry."""
    days = pain_days(ctx.pain, ctx)
    recent = [d for d in days if d.entry_date > ctx.as_of - timedelta(days=7)]
    if recent and must_stop(recent[-1], ctx):
        return _Pain(RED, True, recent[-1].entry_date, _hurt_m(ctx, recent[-1]))
    episode = red_episode(ctx, days)
    if episode is not None and not episode.is_rising:
        entry = next(d for d in reversed(days) if d.entry_date == episode.start and d.zone == RED)
        return _Pain(RED, False, entry.entry_date, _hurt_m(ctx, entry))
    if episode is not None:
        runs = ctx.spikes[ctx.spikes[LOCAL_DATE] <= ctx.as_of]
        hurt = float(runs[DISTANCE_M].iloc[-1]) if not runs.empty else None
        return _Pain(RED, False, None, hurt)
    if recent and recent[-1].zone == AMBER:
        return _Pain(AMBER, False, recent[-1].entry_date, _hurt_m(ctx, recent[-1]))
    return _Pain(None, False, None, None)


@dataclass(frozen=True, slots=True)
class _Pain:
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
    planner = _Planner(ctx, alerts, the_season or season(ctx))
    planner.place_runs(planner.runnable_days())
    planner.place_rest_days()
    planner.place_non_impact_days()
    planner.place_strength()
    planner.keep_monotony()
    return planner.days()


def _pace_s_per_m(ctx: RuleContext) -> float:
    """The runner's median pace over the last 8 weeks (seconds a metre), else the default."""
    runs = ctx.activities[
        (ctx.activities[SPORT] == Sport.RUN.value)
        & (ctx.activities[LOCAL_DATE] > ctx.as_of - timedelta(days=PACE_DAYS))
        & (ctx.activities[DISTANCE_M] > 0)
    ]
    paces = (runs[MOVING_S] / runs[DISTANCE_M]).dropna()
    return float(paces.median()) if not paces.empty else DEFAULT_RUN_PACE_S_PER_M


class _Planner:
    """The plan being built: one PlanDay per date, and what the steps share."""

    def __init__(self, ctx: RuleContext, alerts: Sequence[Alert], the_season: Season) -> None:
        self.ctx = ctx
        self.season = the_season
        self.habit = the_season.habit
        self.pain = _pain(ctx)
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

    def _cross_days(self) -> set[date]:
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

    def _week(self, day: date) -> date:
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

    def _returning_week(self, day: date) -> int | None:
        """1 for the first week back after a break (the current week counts from the season)."""
        current = self.season.returning_week
        if current is None:
            return None
        return current + (self._week(day) - self._week(self.ctx.as_of)).days // 7

    def runnable_days(self) -> list[date]:
        """The runner's run days that pain and warnings leave as runs; the others become
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
        first_run = candidates[0] if candidates else None  # R3 red: swap the next run
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
                and (day <= pain.day + timedelta(days=1) or day == first_run)
            ):
                self.cross(
                    day,
                    f"no run while red-zone pain has not settled (R3): {low_impact} instead; "
                    "runs come back after a settled morning or a pain-free run",
                    "pain",
                )
            else:
                runnable.append(day)
        trigger = self.trigger
        if trigger is not None and runnable:
            self.cross(
                runnable[0],
                f"replaces your next run with {low_impact} of similar duration "
                f"(because of the {trigger.rule_id} {trigger.severity.value})",
                trigger.rule_id,
            )
            runnable = runnable[1:]
        return runnable

    def _injured(self, period: InjuryPeriod) -> None:
        """An ongoing injury period: every run day becomes cross-training that spares the
        injured site, as a suggestion to clear with a professional (issue #14)."""
        cross, _ = sparing(period.location)
        self.low_impact = cross
        for day in (d for d in self.open_days if d.weekday() in self.habit.weekdays):
            self.cross(
                day,
                f"injured ({site_name(period)}): no running; a suggestion to clear with your "
                f"physiotherapist or doctor: {cross}, only if it does not hurt",
                "injury",
            )

    def _spaced(self, runnable: list[date], ladder: bool) -> list[date]:
        """No back-to-back run days during the return ladder or the first weeks back after a
        break (walk-run programmes and return tables run on alternate days); the days left out
        stay rest days and say why."""
        ran = [d for d in self.ctx.spikes[LOCAL_DATE] if d <= self.ctx.as_of]
        last = max(ran) if ran else None
        kept = []
        for day in runnable:
            week = self._returning_week(day)
            spaced = ladder or (week is not None and week <= SPACED_WEEKS)
            if spaced and last is not None and (day - last).days <= 1:
                self.plan[day] = PlanDay(
                    day,
                    PlanKind.REST,
                    "rest day: no back-to-back run days on the way back (loadwatch default)",
                )
                continue
            kept.append(day)
            last = day
        return kept

    def _target_m(self, day: date) -> float | None:
        """The season's target for the week of `day`; amber pain holds it (caps do not grow)."""
        week = self.season.week(day, self.ctx.week_start)
        if week is None:
            return None
        target = week.target_m
        if self.pain.zone == AMBER:
            target = min(target, max(self.history[-REFERENCE_PERIODS:], default=target))
        return target

    def place_runs(self, runnable: list[date]) -> None:
        """Caps day by day, counting the plan's own earlier runs (`run_cap_m`), each at most
        its share of what is left of the week's target."""
        ctx, t = self.ctx, self.ctx.thresholds
        ladder = self.injury.ladder if self.injury.is_returning else None
        runnable = self._spaced(runnable, ladder is not None)
        weights = self.habit.weights
        by_week: dict[date, list[date]] = {}
        for day in runnable:
            by_week.setdefault(self._week(day), []).append(day)
        for days in by_week.values():
            longest = max(days, key=lambda d: (weights.get(d.weekday(), 0.0), d))
            if longest.weekday() == self.habit.long_weekday:
                self.long_days.add(longest)
        goal = self.season.goal
        race_day = goal.race_date if goal is not None else None
        log = ctx.run_log
        current = self._week(ctx.as_of)
        for day in runnable:
            if self._week(day) != current and not self.reprojected:
                # the weeks ahead build on this week as planned, not on its target
                self.reprojected = True
                self.season = season(
                    ctx,
                    len(self.season.weeks),
                    current_week_m=log.total(current, current + timedelta(days=6)),
                )
            if day == race_day and goal is not None and goal.race_m is not None:
                race_cap = min(goal.race_m, run_cap_m(ctx, day, log, self.pain))
                why = f"race day: {ctx.distance(goal.race_m)}, the goal the season tapered for"
                if race_cap < goal.race_m - 1:
                    why += (
                        f"; the load rules cap a run today at {ctx.distance(race_cap)} (R1: 1.1x "
                        "your longest run of the 30 days before; R2): the full race would be a "
                        "spike, so the plan keeps to the cap"
                    )
                self.plan[day] = PlanDay(day, PlanKind.RUN, why, race_cap)
                log = log.with_run(day, race_cap)
                continue
            cap = run_cap_m(ctx, day, log, self.pain)
            why = "the week's longest run" if day in self.long_days else "easy run"
            target = self._target_m(day)
            if target is not None and ladder is None:
                start = self._week(day)
                last_planned = self.ctx.as_of + timedelta(days=PLAN_DAYS - 1)
                # the week's run days from this one on, beyond the 7 days too
                left = [
                    d
                    for d in (start + timedelta(days=i) for i in range(7))
                    if d >= day
                    and d.weekday() in self.habit.weekdays
                    and (d > last_planned or d in by_week[start])
                ]
                share = sum(weights.get(d.weekday(), 1.0) for d in left)
                remaining = target - log.total(start, day - timedelta(days=1))
                part = max(0.0, remaining) * weights.get(day.weekday(), 1.0) / share
                if part < cap:
                    cap = part
                    week = self.season.week(day, ctx.week_start)
                    why += f" (this week: {ctx.distance(target)}, {week.kind if week else ''})"
            if ladder is not None:
                cap = min(cap, ladder.step.distance_m)
            if cap < t.min_planned_run_m:
                least = ctx.distance(t.min_planned_run_m)
                self.plan[day] = PlanDay(
                    day,
                    PlanKind.REST,
                    f"no run: the week's target and the load and pain caps leave less than {least}",
                )
                continue
            log = log.with_run(day, cap)
            if ladder is not None:
                step = ladder.step
                why = (
                    f"return ladder step {step.number} of {len(ladder.steps)} ({step.pattern}); "
                    "the next step unlocks after a run that reaches "
                    f"{ctx.distance(step.distance_m)} at pain 0-{t.pain_safe_max} that settles by "
                    "the next morning"
                )
            self.plan[day] = PlanDay(
                day, PlanKind.RUN, f"{why}; keep it under {ctx.distance(cap)}", cap
            )

    def _rest_weekday(self) -> int:
        """The week's rest day: the day before the long run when it is free, else the first
        weekday without a run, else the day after the long run."""
        weekdays = self.habit.weekdays
        free = [w for w in range(7) if w not in weekdays]
        long = self.habit.long_weekday
        if long is not None and (long - 1) % 7 in free:
            return (long - 1) % 7
        if free:
            return free[0]
        return ((long or 0) + 1) % 7

    def place_rest_days(self) -> None:
        """One rest day in every 7 (R8): no run and no cross-training."""
        rest = self._rest_weekday()
        for day in self.open_days:
            if day.weekday() == rest:
                self.plan[day] = PlanDay(
                    day,
                    PlanKind.REST,
                    "rest day: no run and no cross-training (R8: one in every 7 days)",
                )
                self.rest_days.add(day)

    def place_non_impact_days(self) -> None:
        """2-3 cross-training days a week where the week has room (the plan's swapped runs and
        recorded rides, swims and sessions of the week count); the rest day says why fewer."""
        t = self.ctx.thresholds
        wanted = min(
            MAX_CROSS_TRAINING_DAYS,
            max(t.cross_training_days, WARNING_CROSS_TRAINING_DAYS if self.trigger else 0),
        )
        recorded = self._cross_days()
        after_long = {d + timedelta(days=1) for d in self.long_days}
        weeks = sorted({self._week(d) for d in self.plan})
        for start in weeks:
            days = [d for d in self.plan if self._week(d) == start]
            done = sum(
                1
                for i in range(7)
                if (d := start + timedelta(days=i)) < self.ctx.as_of and d in recorded
            )
            have = done + sum(self.plan[d].kind is PlanKind.CROSS_TRAINING for d in days)
            free = sorted(
                (
                    d
                    for d in days
                    if d in self.open_days
                    and self.plan[d].kind is PlanKind.REST
                    and d not in self.rest_days
                ),
                key=lambda d: (d not in after_long, d),
            )
            while have < wanted and free:
                day = free.pop(0)
                self.added_cross.add(day)
                self.cross(
                    day,
                    f"cross-training day: {self.low_impact}, about "
                    f"{CROSS_TRAINING_SESSION_S / 60:.0f} min easy (loadwatch default: "
                    f"{t.cross_training_days} a week where the week has room; the seeds say 2-3)",
                    self.trigger.rule_id if self.trigger is not None else None,
                )
                have += 1
            if have < wanted:
                rest = next((d for d in days if d in self.rest_days), None)
                if rest is not None:
                    runs = len(self.habit.weekdays)
                    self.plan[rest] = replace(
                        self.plan[rest],
                        reason=self.plan[rest].reason
                        + f"; this week has room for {have} cross-training day(s), not "
                        f"{wanted}: {runs} run days and this rest day fill it",
                    )

    def place_strength(self) -> None:
        """The runner's programme count a week (else the default), done sessions included,
        never on consecutive days: with cross-training first, then on a free day, then with an
        easy run; only when the week has no such day left, with the long run, then on the
        rest day (still no run and no cross-training)."""
        ctx = self.ctx
        per_week = ctx.strength_target_per_week or ctx.thresholds.strength_sessions
        text = STRENGTH
        if self.injury.ongoing is not None:
            text = (
                f"strength session: {sparing(self.injury.ongoing.location)[1]}, sparing the "
                f"{site_name(self.injury.ongoing)}; a suggestion to clear with your "
                "physiotherapist or doctor (loadwatch default)"
            )
        chosen = set(self.strength_days)
        for start in sorted({self._week(d) for d in self.plan}):
            days = [d for d in self.open_days if self._week(d) == start]
            done = sum(1 for d in chosen if self._week(d) == start)
            needed = per_week - done

            def kind_order(day: date) -> tuple[int, date]:
                p = self.plan[day]
                if p.kind is PlanKind.CROSS_TRAINING:
                    return 0, day
                if p.kind is PlanKind.REST:
                    return 1, day
                return 2, day

            # a week that goes on beyond the 7 days keeps its run days free when its later
            # days hold cross-training days: they take its strength sessions
            last = self.ctx.as_of + timedelta(days=PLAN_DAYS - 1)
            rest = self._rest_weekday()
            hidden = [start + timedelta(days=i) for i in range(7)]
            is_partial = any(
                d > last and d.weekday() not in self.habit.weekdays and d.weekday() != rest
                for d in hidden
            )
            candidates = [
                d
                for d in days
                if d not in self.rest_days
                and d not in self.long_days
                and not (
                    self.plan[d].kind is PlanKind.RUN and (self.injury.is_returning or is_partial)
                )
            ]
            # the week's own days first; when they leave none (only the rest day, the long
            # run's day and their neighbours are left, or its later days lie beyond the 7),
            # the session joins a run day, then the long run's day, then the rest day (still
            # no run and no cross-training): a week due its sessions always holds them
            fallback = sorted(
                (d for d in days if d not in candidates and not is_partial),
                key=lambda d: (d in self.rest_days, d in self.long_days, d),
            )
            for day in [*sorted(candidates, key=kind_order), *fallback]:
                if needed <= 0:
                    break
                if any(abs((day - s).days) <= 1 for s in chosen):
                    continue
                p = self.plan[day]
                chosen.add(day)
                needed -= 1
                if p.kind is PlanKind.REST:
                    why = p.reason + "; " + text if day in self.rest_days else text
                    self.plan[day] = PlanDay(day, PlanKind.STRENGTH, why, strength=True)
                else:
                    self.plan[day] = replace(p, reason=p.reason + "; add a " + text, strength=True)

    def _load(self, day: date, pace: float) -> float:
        """Projected session-RPE load of a planned day (effort x minutes; loadwatch defaults)."""
        p = self.plan[day]
        load = 0.0
        if p.kind is PlanKind.RUN and p.max_distance_m:
            load += DEFAULT_EFFORT["run"] * p.max_distance_m * pace / 60
        if p.kind is PlanKind.CROSS_TRAINING:
            load += DEFAULT_EFFORT["ride"] * (p.duration_s or CROSS_TRAINING_SESSION_S) / 60
        if p.strength:
            load += DEFAULT_EFFORT["strength"] * STRENGTH_SESSION_S / 60
        return load

    def _worst_monotony(self, pace: float, past: pd.Series) -> tuple[float, date | None]:
        """The highest projected 7-day monotony over the plan's days, and its first day."""
        ctx = self.ctx
        loads = {d: self._load(d, pace) for d in self.open_days}
        if ctx.as_of not in loads and ctx.as_of in past.index:
            loads[ctx.as_of] = float(past[ctx.as_of])
        history = past[past.index < ctx.as_of]
        series: dict[date, float] = dict(
            zip(history.index, history.to_numpy(dtype=float).tolist(), strict=True)
        )
        series.update(loads)
        worst, worst_day = 0.0, None
        for day in sorted(self.plan):
            week = pd.Series([series.get(day - timedelta(days=i), 0.0) for i in range(6, -1, -1)])
            value = monotony_and_strain(week)[0]
            if value > worst:
                worst, worst_day = value, day
        return worst, worst_day

    def _lighter(self, day: date, what: str) -> PlanDay:
        p = self.plan[day]
        reason = (
            f"rest instead of {what}: keeps the week's monotony (R5) under "
            f"{self.ctx.thresholds.monotony_caution:g} when you follow the whole plan"
        )
        if p.strength:
            return PlanDay(day, PlanKind.STRENGTH, reason + "; " + STRENGTH, strength=True)
        return PlanDay(day, PlanKind.REST, reason)

    def _strength_to_run(self, day: date) -> date | None:
        """An easy run day of `day`'s week that could take its strength session instead (no
        strength on it, none the day before or after), or None."""
        others = {d for d, p in self.plan.items() if p.strength and d != day}
        others |= {d for d in self.strength_days if d != day}
        week = self._week(day)
        for d in self.open_days:
            p = self.plan[d]
            if (
                self._week(d) == week
                and p.kind is PlanKind.RUN
                and not p.strength
                and d not in self.long_days
                and all(abs((d - o).days) > 1 for o in others)
            ):
                return d
        return None

    def _options(self, near: list[date]) -> list[list[tuple[date, PlanDay]]]:
        """Ways to vary the week, gentlest first: a cross-training or strength-only day becomes
        rest (its strength moves to an easy run when one can take it)."""
        options = []
        for d in near:
            p = self.plan[d]
            lighter = p.kind is PlanKind.STRENGTH or (
                p.kind is PlanKind.CROSS_TRAINING and (p.caused_by is None or d in self.added_cross)
            )
            if not lighter:
                continue
            what = "cross-training" if p.kind is PlanKind.CROSS_TRAINING else "a separate day"
            reason = (
                f"rest instead of {what}: keeps the week's monotony (R5) under "
                f"{self.ctx.thresholds.monotony_caution:g} when you follow the whole plan"
            )
            change = [(d, PlanDay(d, PlanKind.REST, reason))]
            if p.strength:
                target = self._strength_to_run(d)
                if target is None:
                    change = [
                        (d, PlanDay(d, PlanKind.STRENGTH, reason + "; " + STRENGTH, strength=True))
                    ]
                else:
                    run = self.plan[target]
                    change.append(
                        (
                            target,
                            replace(run, reason=run.reason + "; add a " + STRENGTH, strength=True),
                        )
                    )
            options.append(change)
        return options

    def keep_monotony(self) -> None:
        """Following the whole plan must not reach the monotony caution (R5, R8): where the
        projected 7-day monotony would come near it, the change that lowers it most is made (a
        cross-training day becomes rest, a strength session joins an easy run; else an easy run
        becomes rest), and the day says why."""
        ctx = self.ctx
        limit = ctx.thresholds.monotony_caution * MONOTONY_MARGIN
        pace = _pace_s_per_m(ctx)
        past = with_logged_strength(ctx.daily, ctx.activities, ctx.strength_dates)
        for _ in range(2 * PLAN_DAYS):
            worst, day = self._worst_monotony(pace, past)
            if day is None or worst < limit:
                return
            near = [d for d in self.open_days if day - timedelta(days=7) < d <= day]
            options = self._options(near)
            if not options:
                options = [
                    [(d, self._lighter(d, "a run"))]
                    for d in near
                    if self.plan[d].kind is PlanKind.RUN and d not in self.long_days
                ]
            scored = []
            for change in options:
                kept = {d: self.plan[d] for d, _ in change}
                self.plan.update(dict(change))
                scored.append((self._worst_monotony(pace, past)[0], change[0][0], change))
                self.plan.update(kept)
            if not scored:
                return
            best = min(scored, key=lambda x: (x[0], x[1]))
            if best[0] >= worst and options and self.plan[best[1]].kind is not PlanKind.RUN:
                # varying the other days does not help: an easy run gives way
                runs = [
                    [(d, self._lighter(d, "a run"))]
                    for d in near
                    if self.plan[d].kind is PlanKind.RUN and d not in self.long_days
                ]
                if not runs:
                    return
                self.plan.update(dict(runs[-1]))
                continue
            self.plan.update(dict(best[2]))

    def days(self) -> list[PlanDay]:
        """The seven days; a log without runs says once why no run is planned."""
        plan = [self.plan[d] for d in sorted(self.plan)]
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
        if not self.has_runs and self.open_days and self.injury.ongoing is None:
            first = self.open_days[0]
            day = self.plan[first]
            plan[plan.index(day)] = replace(
                day,
                reason="no runs in your log: loadwatch plans runs from your running history; "
                + day.reason,
            )
        return plan
