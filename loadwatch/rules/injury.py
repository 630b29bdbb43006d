"""Injury periods (issue #14): the state on a day, the return ladder gated by pain, and the
`injury` rule. What came before an injury is rules/lead_up.py, the runner's own pattern
rules/own_pattern.py, the injured site's name and what spares it rules/injury_sites.py.

The ladder: walk-run steps from a fraction of the longest pain-free run of the 30 days before
the injury (`injury_return_start_fraction`, a loadwatch default), each step at most
`injury_ladder_step_ratio` above the last (the plan keeps each run within R1's 1.1x of the
longest run of its 30 days, so R1 never fires on the way back); a step unlocks only after a run
at pain 0-2 that settled by the next morning (the pain-monitoring model, Thomee 1997;
Silbernagel 2007) and a red day steps back (to the first step at pain that must stop running).
Walking, then walk-run, then continuous easy running, intensity last, follows Warden et al.
2021; the minutes of each walk-run stage are loadwatch defaults.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from loadwatch.domain import Alert, InjuryPeriod, Severity
from loadwatch.load.frames import (
    ACTIVITY_ID,
    DISTANCE_M,
    LOCAL_DATE,
)
from loadwatch.rules.context import RuleContext
from loadwatch.rules.injury_sites import site_name, sparing
from loadwatch.rules.measures import EPSILON, SPIKE_WINDOW_DAYS
from loadwatch.rules.pain import AMBER, BONE_STRESS_SITES, GREEN, RED, PainDay, must_stop, pain_days
from loadwatch.rules.thresholds import Thresholds

RECENT_DAYS = 7  # runs logged inside an injury period are reported for a week
# (run, walk) minutes of the first walk-run steps; later steps are continuous easy running.
# loadwatch defaults: walk-run first, then continuous, then intensity (Warden et al. 2021).
WALK_RUN_MIN = ((1, 2), (2, 2), (3, 1), (5, 1), (8, 1))


# Outcomes of a run on the ladder
PASSED, HELD, WAITING, NO_MORNING, NO_PAIN, STEPPED_BACK, SHORT = (
    "passed",
    "held",
    "waiting for the next morning",
    "no morning score",
    "no pain logged",
    "stepped back",
    "short of the step",
)


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One step of the return ladder: a session of at most `distance_m` metres, walk-run
    (`run_min` minutes running, `walk_min` walking, repeated) or continuous (both None)."""

    number: int
    distance_m: float
    run_min: int | None
    walk_min: int | None

    @property
    def pattern(self) -> str:
        if self.run_min is None:
            return "continuous easy running"
        return f"walk-run: run {self.run_min} min, walk {self.walk_min} min, repeated"


@dataclass(frozen=True, slots=True)
class ReturnRun:
    """A run since the injury ended: the step it was run at and what its pain did."""

    run_date: date
    distance_m: float
    step: int
    outcome: str
    score: int | None


@dataclass(frozen=True, slots=True)
class ReturnLadder:
    """The return after `injury`: its steps, where the runner is (`current`, 0-based), the runs
    since it ended, and whether it is over: the last step passed, or `injury_return_max_days`
    since the end (a ladder never climbed, for want of pain scores, does not cap runs forever)."""

    injury: InjuryPeriod
    base_m: float  # the longest pain-free run of the 30 days before (or the plan's minimum)
    has_base: bool  # False: no pain-free run before the injury in the log
    steps: tuple[LadderStep, ...]
    current: int
    runs: tuple[ReturnRun, ...]
    is_complete: bool

    @property
    def step(self) -> LadderStep:
        return self.steps[self.current]


@dataclass(frozen=True, slots=True)
class InjuryState:
    """The injury side of a day: an ongoing period, or the return ladder after the latest one."""

    ongoing: InjuryPeriod | None
    days_so_far: int  # days since the ongoing period started, its first day counted as 1
    days_without_running: int  # of those, days with no run recorded
    ladder: ReturnLadder | None  # after the latest ended period (None while one is ongoing)

    @property
    def is_returning(self) -> bool:
        return self.ladder is not None and not self.ladder.is_complete


def ongoing_injury(injuries: Sequence[InjuryPeriod], day: date) -> InjuryPeriod | None:
    """The latest-started period that `day` lies in (None when none)."""
    found = [i for i in injuries if i.is_ongoing_on(day)]
    return max(found, key=lambda i: (i.start_date, i.id)) if found else None


def run_days(ctx: RuleContext) -> set[date]:
    return set(ctx.spikes[LOCAL_DATE])


def days_without_running(ctx: RuleContext, first: date, last: date) -> int:
    """Days from `first` to `last` (both included) with no run recorded."""
    ran = run_days(ctx)
    return sum((first + timedelta(days=i)) not in ran for i in range((last - first).days + 1))


def _hurt_runs(days: Sequence[PainDay]) -> tuple[set[int], set[date]]:
    """Runs (ids) and run-less days whose post-run pain was above the safe band."""
    hurt = [d for d in days if d.zone != GREEN]
    return (
        {d.activity_id for d in hurt if d.activity_id is not None},
        {d.entry_date for d in hurt if d.activity_id is None},
    )


def pain_free_base_m(ctx: RuleContext, start: date, days: Sequence[PainDay]) -> float | None:
    """The longest run of the 30 days before `start` without pain above 0-2 (metres); else the
    longest pain-free run before it; None when the log has none."""
    runs = ctx.spikes[ctx.spikes[LOCAL_DATE] < start]
    hurt_ids, hurt_days = _hurt_runs(days)
    keep = [
        float(m)
        for d, m, a in zip(runs[LOCAL_DATE], runs[DISTANCE_M], runs[ACTIVITY_ID], strict=True)
        if int(a) not in hurt_ids and d not in hurt_days
    ]
    recent = [
        float(m)
        for d, m, a in zip(runs[LOCAL_DATE], runs[DISTANCE_M], runs[ACTIVITY_ID], strict=True)
        if d >= start - timedelta(days=SPIKE_WINDOW_DAYS)
        and int(a) not in hurt_ids
        and d not in hurt_days
    ]
    if recent:
        return max(recent)
    return max(keep) if keep else None


def ladder_steps(base_m: float, t: Thresholds) -> tuple[LadderStep, ...]:
    """The ladder from `injury_return_start_fraction` x base (never under the plan's shortest
    run, unless the base is shorter) up to the base, each step `injury_ladder_step_ratio` x the
    last (the plan still keeps each run within R1's 1.1x of the longest run of its 30 days)."""
    distance = max(base_m * t.injury_return_start_fraction, min(base_m, t.min_planned_run_m))
    steps = []
    number = 1
    while True:
        run, walk = WALK_RUN_MIN[number - 1] if number <= len(WALK_RUN_MIN) else (None, None)
        steps.append(LadderStep(number, min(distance, base_m), run, walk))
        if distance >= base_m - EPSILON:
            return tuple(steps)
        distance *= t.injury_ladder_step_ratio
        number += 1


def return_ladder(ctx: RuleContext, injury: InjuryPeriod) -> ReturnLadder:
    """Where the runner is on the ladder after `injury` (which must have ended by ctx.as_of).

    Each run from the end date on is judged by its post-run pain entry (by run, else by day):
    0-2 and settled by the next morning unlocks the next step if the run reached the step
    (`injury_step_reached_fraction` of it; a shorter run holds); 3-5 holds; red steps back one
    (pain that must stop running: back to the first step); no score holds.
    """
    t = ctx.thresholds
    days = pain_days(ctx.pain, ctx)
    base = pain_free_base_m(ctx, injury.start_date, days)
    steps = ladder_steps(base if base is not None else t.min_planned_run_m, t)
    by_run = {d.activity_id: d for d in days if d.activity_id is not None}
    by_day = {d.entry_date: d for d in days if d.activity_id is None}
    end = injury.end_date or ctx.as_of
    runs = ctx.spikes[(ctx.spikes[LOCAL_DATE] >= end) & (ctx.spikes[LOCAL_DATE] <= ctx.as_of)]
    current, complete, history = 0, False, []
    for run_date, distance, activity_id in zip(
        runs[LOCAL_DATE], runs[DISTANCE_M], runs[ACTIVITY_ID], strict=True
    ):
        if complete:
            break
        day = by_run.get(int(activity_id)) or by_day.get(run_date)
        step = steps[current].number
        outcome, current = _outcome(day, current, ctx)
        reached = steps[current].distance_m * t.injury_step_reached_fraction - EPSILON
        if outcome == PASSED and float(distance) < reached:
            outcome = SHORT  # a step unlocks only on a run that reached it (issue #20)
        if outcome == PASSED:
            if current == len(steps) - 1 and step == steps[-1].number:
                complete = True
            else:
                current = min(current + 1, len(steps) - 1)
        history.append(
            ReturnRun(run_date, float(distance), step, outcome, day.score if day else None)
        )
    lapsed = (ctx.as_of - end).days >= t.injury_return_max_days
    return ReturnLadder(
        injury,
        steps[-1].distance_m,
        base is not None,
        steps,
        current,
        tuple(history),
        complete or lapsed,
    )


def _outcome(day: PainDay | None, current: int, ctx: RuleContext) -> tuple[str, int]:
    """(outcome, current step after a red day) of one run on the ladder."""
    if day is None:
        return NO_PAIN, current
    if day.zone == RED:
        return STEPPED_BACK, 0 if must_stop(day, ctx) else max(0, current - 1)
    if day.zone == AMBER:
        return HELD, current
    if day.settled:
        return PASSED, current
    if day.entry_date + timedelta(days=1) > ctx.as_of:
        return WAITING, current
    return NO_MORNING, current


def injury_state(ctx: RuleContext) -> InjuryState:
    """The ongoing period on ctx.as_of with its days so far, else the ladder after the latest
    period that ended."""
    ongoing = ongoing_injury(ctx.injuries, ctx.as_of)
    if ongoing is not None:
        return InjuryState(
            ongoing,
            (ctx.as_of - ongoing.start_date).days + 1,
            days_without_running(ctx, ongoing.start_date, ctx.as_of),
            None,
        )
    ended = [i for i in ctx.injuries if i.end_date is not None and i.end_date <= ctx.as_of]
    if not ended:
        return InjuryState(None, 0, 0, None)
    latest = max(ended, key=lambda i: (i.end_date or i.start_date, i.id))
    return InjuryState(None, 0, 0, return_ladder(ctx, latest))


def in_injury_or_return(ctx: RuleContext, day: date) -> bool:
    """True when `day` lies in an injury period, or in the return after one whose ladder is
    not complete: the rules then speak of the injury, not of "returning after a break"."""
    if ongoing_injury(ctx.injuries, day) is not None:
        return True
    state = injury_state(ctx)
    return (
        state.ladder is not None
        and not state.ladder.is_complete
        and day >= (state.ladder.injury.end_date or day)
    )


def _citations(injury: InjuryPeriod) -> tuple[str, ...]:
    bone = ("warden2014",) if injury.location in BONE_STRESS_SITES else ()
    return ("loadwatch", "liem2013", *bone)


def injury(ctx: RuleContext) -> Iterator[Alert]:
    """The injury rule: an ongoing period (and runs logged inside it), or the return ladder."""
    state = injury_state(ctx)
    if state.ongoing is not None:
        yield from _ongoing_alerts(ctx, state, state.ongoing)
    elif state.ladder is not None and not state.ladder.is_complete:
        yield _ladder_alert(ctx, state.ladder)


def _ongoing_alerts(ctx: RuleContext, state: InjuryState, period: InjuryPeriod) -> Iterator[Alert]:
    cross, strength = sparing(period.location)
    yield Alert(
        "injury",
        Severity.INFO,
        f"Injury period since {period.start_date:%a %d %b} ({site_name(period)}): day "
        f"{state.days_so_far}, {state.days_without_running} without running. The plan holds no "
        f"runs; its {cross} and {strength} are suggestions to clear with your physiotherapist "
        "or doctor. When the period ends, a return ladder paces your way back.",
        {
            "days_so_far": float(state.days_so_far),
            "days_without_running": float(state.days_without_running),
        },
        _citations(period),
        ctx.as_of,
    )
    recent = ctx.spikes[
        (ctx.spikes[LOCAL_DATE] >= max(period.start_date, ctx.as_of - timedelta(RECENT_DAYS)))
        & (ctx.spikes[LOCAL_DATE] <= ctx.as_of)
    ]
    for run_date, distance, activity_id in zip(
        recent[LOCAL_DATE], recent[DISTANCE_M], recent[ACTIVITY_ID], strict=True
    ):
        if run_date == period.start_date:
            continue  # the run that hurt, most often
        yield Alert(
            "injury",
            Severity.CAUTION,
            f"A {ctx.distance(float(distance))} run on {run_date:%a %d %b} is inside your "
            f"injury period ({site_name(period)}, since {period.start_date:%a %d %b}); once "
            "you are cleared to run, end the period so the return ladder can pace your way back.",
            {"distance_m": float(distance)},
            _citations(period),
            run_date,
            int(activity_id),
        )


def _ladder_alert(ctx: RuleContext, ladder: ReturnLadder) -> Alert:
    period, step = ladder.injury, ladder.step
    end = period.end_date or ctx.as_of
    last = ladder.runs[-1] if ladder.runs else None
    severity = Severity.CAUTION if last and last.outcome == STEPPED_BACK else Severity.INFO
    tail = ""
    if last is not None:
        tail = (
            f" Your last run back ({last.run_date:%a %d %b}, {ctx.distance(last.distance_m)} "
            f"at step {last.step}): {last.outcome}."
        )
    base = (
        f"{ctx.thresholds.injury_return_start_fraction:.0%} of your longest pain-free run of "
        f"the 30 days before, {ctx.distance(ladder.base_m)}"
        if ladder.has_base
        else "no pain-free run before the injury in your log: from the plan's shortest run"
    )
    return Alert(
        "injury",
        severity,
        f"Returning from your {site_name(period)} injury ({(end - period.start_date).days} days, "
        f"ended {end:%a %d %b}): step {step.number} of {len(ladder.steps)}, {step.pattern}, up "
        f"to {ctx.distance(step.distance_m)} (the ladder starts at {base}). A step unlocks "
        f"after a run at pain 0-{ctx.thresholds.pain_safe_max} that settles by the next "
        f"morning; a red day steps back.{tail}",
        {
            "step": float(step.number),
            "steps": float(len(ladder.steps)),
            "step_distance_m": step.distance_m,
            "base_m": ladder.base_m,
        },
        ("warden2021", "thomee1997", "silbernagel2007", "loadwatch"),
        ctx.as_of,
    )
