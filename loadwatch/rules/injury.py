"""Injury periods (issue #14): the state on a day, the return ladder gated by pain, what came
before an injury, and the runner's own pattern: counts in the log, never a prediction.

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

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from loadwatch.domain import CROSS_TRAINING_SPORTS, Alert, InjuryPeriod, Severity, Sport
from loadwatch.load.frames import (
    ACTIVITY_ID,
    AVG_CADENCE_SPM,
    DESCENT_M,
    DISTANCE_M,
    DURATION_S,
    LOCAL_DATE,
    PREVIOUS_MAX_M,
    RUN_DISTANCE_M,
    SHOE_ID,
    SPIKE_RATIO,
    SPORT,
    WEEK_START,
)
from loadwatch.load.shoes import shoe_status
from loadwatch.load.weekly import week_over_week_growth, week_start_of
from loadwatch.rules.context import RuleContext
from loadwatch.rules.measures import EPSILON, SPIKE_WINDOW_DAYS, spike_band
from loadwatch.rules.pain import AMBER, BONE_STRESS_SITES, GREEN, RED, PainDay, must_stop, pain_days
from loadwatch.rules.thresholds import Thresholds

LEAD_UP_DAYS = (14, 30)  # issue #14: the 14 and the 30 days before an injury
PATTERN_WINDOW_DAYS = 14  # issue #14: what came within the 14 days before an episode
RECENT_DAYS = 7  # runs logged inside an injury period are reported for a week
# (run, walk) minutes of the first walk-run steps; later steps are continuous easy running.
# loadwatch defaults: walk-run first, then continuous, then intensity (Warden et al. 2021).
WALK_RUN_MIN = ((1, 2), (2, 2), (3, 1), (5, 1), (8, 1))

# What a plan suggests instead of running while injured, sparing the injured site: suggestions
# to clear with a physiotherapist or doctor (loadwatch defaults; non-impact training while
# running is paused: Liem et al. 2013).
_SPARING = {
    "knee front": ("swimming with a pull buoy, or upper-body work", "hip and core strength"),
    "knee side": ("swimming with a pull buoy, or upper-body work", "hip and core strength"),
    "shin": ("swimming or deep-water running (no impact)", "upper-body and core strength"),
    "foot": ("swimming or deep-water running (no impact)", "upper-body and core strength"),
    "achilles": (
        "swimming or easy cycling",
        "upper-body, core and hip strength (calf loading only as your physiotherapist advises)",
    ),
    "hip": ("swimming with a pull buoy, or upper-body work", "upper-body and core strength"),
}
_ANY_SITE = ("swimming or cycling, if it does not hurt", "strength work away from the injury")

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


def site_name(injury: InjuryPeriod) -> str:
    """'left knee front', 'shin', ...: the location with its side."""
    return f"{injury.side} {injury.location}" if injury.side else injury.location


def sparing(location: str) -> tuple[str, str]:
    """(cross-training, strength) that spare the injured site: suggestions, loadwatch defaults."""
    return _SPARING.get(location, _ANY_SITE)


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


# What came before: the 14 and 30 days before an injury ------------------------------------


@dataclass(frozen=True, slots=True)
class LeadUpSpike:
    run_date: date
    distance_m: float
    previous_max_m: float
    ratio: float
    level: str  # small spike | moderate spike | large spike


@dataclass(frozen=True, slots=True)
class LeadUpPain:
    entry_date: date
    score: int
    zone: str
    location: str | None
    next_morning: float | None


@dataclass(frozen=True, slots=True)
class LeadUpWindow:
    """The `days` days up to and including the injury's first day."""

    days: int
    first: date
    last: date
    runs: int
    distance_m: float
    longest_m: float | None
    spikes: tuple[LeadUpSpike, ...]
    descent_m: float
    avg_cadence_spm: float | None
    cross_training_sessions: int
    cross_training_s: float
    strength_sessions: int
    pain: tuple[LeadUpPain, ...]
    mean_morning: float | None
    morning_trend: str  # rising | falling | steady | unknown (first half against second)


@dataclass(frozen=True, slots=True)
class LeadUpWeek:
    week_start: date
    distance_m: float  # up to the injury's first day at the latest
    growth_ratio: float | None  # against the week before up to the same weekday
    is_partial: bool  # the week of the injury, up to its first day


@dataclass(frozen=True, slots=True)
class LeadUpShoe:
    name: str
    distance_m: float  # on the injury's first day, its starting distance included
    status: str  # ok | window | caution | replace, on the injury's first day
    window_start_m: float
    window_end_m: float
    runs_in_window: int  # runs in it in the 30 days before


@dataclass(frozen=True, slots=True)
class LeadUp:
    injury: InjuryPeriod
    windows: tuple[LeadUpWindow, ...]  # 14 days, then 30 days
    weeks: tuple[LeadUpWeek, ...]
    shoes: tuple[LeadUpShoe, ...]


def _trend(values: Sequence[float], second: Sequence[float]) -> str:
    if not values or not second:
        return "unknown"
    first_mean, second_mean = sum(values) / len(values), sum(second) / len(second)
    if second_mean > first_mean:
        return "rising"
    return "falling" if second_mean < first_mean else "steady"


def _window(ctx: RuleContext, start: date, days: int, pains: Sequence[PainDay]) -> LeadUpWindow:
    t = ctx.thresholds
    first = start - timedelta(days=days - 1)
    in_window = ctx.activities[
        (ctx.activities[LOCAL_DATE] >= first) & (ctx.activities[LOCAL_DATE] <= start)
    ]
    runs = ctx.spikes[(ctx.spikes[LOCAL_DATE] >= first) & (ctx.spikes[LOCAL_DATE] <= start)]
    spikes = []
    for run_date, distance, previous, ratio in zip(
        runs[LOCAL_DATE], runs[DISTANCE_M], runs[PREVIOUS_MAX_M], runs[SPIKE_RATIO], strict=True
    ):
        level = spike_band(float(ratio), t)
        if level is not None:
            spikes.append(
                LeadUpSpike(run_date, float(distance), float(previous), float(ratio), level)
            )
    cadences = [float(c) for c in runs[AVG_CADENCE_SPM] if not math.isnan(float(c))]
    sports = in_window[SPORT]
    cross = in_window[sports.isin([s.value for s in CROSS_TRAINING_SPORTS])]
    entries = [p for p in pains if first <= p.entry_date <= start]
    mornings = (
        {
            d: float(s)
            for d, s in zip(ctx.pain["entry_date"], ctx.pain["morning"], strict=True)
            if s == s and first <= d <= start
        }
        if not ctx.pain.empty
        else {}
    )
    middle = first + timedelta(days=days // 2)
    early = [v for d, v in mornings.items() if d < middle]
    late = [v for d, v in mornings.items() if d >= middle]
    return LeadUpWindow(
        days=days,
        first=first,
        last=start,
        runs=len(runs),
        distance_m=float(runs[DISTANCE_M].sum()),
        longest_m=float(runs[DISTANCE_M].max()) if not runs.empty else None,
        spikes=tuple(spikes),
        descent_m=float(runs[DESCENT_M].fillna(0).sum()),
        avg_cadence_spm=sum(cadences) / len(cadences) if cadences else None,
        cross_training_sessions=len(cross),
        cross_training_s=float(cross[DURATION_S].fillna(0).sum()),
        strength_sessions=_strength_sessions(ctx, in_window, first, start),
        pain=tuple(
            LeadUpPain(p.entry_date, p.score, p.zone, p.location, p.next_morning) for p in entries
        ),
        mean_morning=sum(mornings.values()) / len(mornings) if mornings else None,
        morning_trend=_trend(early, late),
    )


def _strength_sessions(ctx: RuleContext, in_window: pd.DataFrame, first: date, last: date) -> int:
    """Strength activities from files, plus days with a logged session and no such activity
    (issue #22: logged sessions count as done)."""
    recorded = in_window[in_window[SPORT] == Sport.STRENGTH.value]
    logged = {d for d in ctx.strength_dates if first <= d <= last} - set(recorded[LOCAL_DATE])
    return len(recorded) + len(logged)


def lead_up(ctx: RuleContext, period: InjuryPeriod) -> LeadUp:
    """What came before `period`: the 14 and 30 days up to its first day (runs, spikes with
    their ratios, descent, cadence, cross-training and strength, pain entries and the morning
    trend), the weeks they fall in with their growth, and the shoes run in with their distance
    on the first day. `ctx` may be as of any day from the injury's first day on."""
    start = period.start_date
    pains = pain_days(ctx.pain, ctx)
    windows = tuple(_window(ctx, start, days, pains) for days in LEAD_UP_DAYS)
    return LeadUp(period, windows, _weeks(ctx, start), _shoes(ctx, start))


def _weeks(ctx: RuleContext, start: date) -> tuple[LeadUpWeek, ...]:
    """The weeks the 30 days fall in, each up to the injury's first day at the latest, against
    the week before up to the same weekday (R2: never a part week against a whole one)."""
    log, week = ctx.run_log, timedelta(days=7)
    first = week_start_of(start - timedelta(days=max(LEAD_UP_DAYS) - 1), ctx.week_start)
    weeks = []
    while first <= start:
        last = min(first + timedelta(days=6), start)
        this, before = log.total(first, last), log.total(first - week, last - week)
        growth = this / before - 1 if before > 0 else None
        weeks.append(LeadUpWeek(first, this, growth, last < first + timedelta(days=6)))
        first += week
    return tuple(weeks)


def _shoes(ctx: RuleContext, start: date) -> tuple[LeadUpShoe, ...]:
    shoes = ctx.shoes
    if shoes.empty:
        return ()
    runs = ctx.spikes[ctx.spikes[LOCAL_DATE] <= start]
    first = start - timedelta(days=max(LEAD_UP_DAYS) - 1)
    found = []
    for row in shoes.to_dict("records"):
        mine = runs[runs[SHOE_ID] == row["shoe_id"]]
        recent = mine[mine[LOCAL_DATE] >= first]
        if recent.empty:
            continue
        distance = float(row["starting_distance_m"]) + float(mine[DISTANCE_M].sum())
        start_m, end_m = float(row["window_start_m"]), float(row["window_end_m"])
        found.append(
            LeadUpShoe(
                str(row["name"]),
                distance,
                shoe_status(False, distance, start_m, end_m),
                start_m,
                end_m,
                len(recent),
            )
        )
    return tuple(found)


# The runner's own pattern ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PatternFactor:
    """One load factor in the log: how often it came within the 14 days before an episode,
    and how often it occurred at all (and of those, how many an episode followed)."""

    label: str
    episodes_with: int
    occurrences: int
    followed: int


@dataclass(frozen=True, slots=True)
class OwnPattern:
    episodes: tuple[date, ...]
    factors: tuple[PatternFactor, ...]
    min_episodes: int

    @property
    def is_shown(self) -> bool:
        return len(self.episodes) >= self.min_episodes


def episodes(ctx: RuleContext) -> tuple[date, ...]:
    """Injury starts and red pain days, one episode per 14 days: a red day inside an injury
    period, or within 14 days after another episode, is part of that episode."""
    starts = sorted(i.start_date for i in ctx.injuries)
    reds = sorted(d.entry_date for d in pain_days(ctx.pain, ctx) if d.zone == RED)
    kept: list[date] = []
    for day in [*starts, *reds]:
        inside = any(i.is_ongoing_on(day) for i in ctx.injuries) and day not in starts
        near = any(0 <= (day - k).days < PATTERN_WINDOW_DAYS for k in kept) or any(
            0 < (k - day).days < PATTERN_WINDOW_DAYS for k in kept
        )
        if not inside and not near:
            kept.append(day)
    return tuple(sorted(kept))


def _occurrences(ctx: RuleContext) -> list[tuple[str, list[tuple[date, date]]]]:
    """Each factor's occurrences as (first, last) local days."""
    t = ctx.thresholds
    spikes = [
        (d, d)
        for d, r in zip(ctx.spikes[LOCAL_DATE], ctx.spikes[SPIKE_RATIO], strict=True)
        if not math.isnan(float(r)) and float(r) > t.moderate_spike_ratio + EPSILON
    ]
    weeks = []
    if not ctx.weekly.empty:
        previous = ctx.weekly[RUN_DISTANCE_M].shift(1)
        growth = week_over_week_growth(ctx.weekly)
        for week_start, ratio, before in zip(ctx.weekly[WEEK_START], growth, previous, strict=True):
            if (
                not math.isnan(float(ratio))
                and float(before) >= t.low_base_m
                and float(ratio) > t.two_week_growth_ratio + EPSILON
            ):
                weeks.append((week_start, week_start + timedelta(days=6)))
    worn = []
    for row in ctx.shoes.to_dict("records") if not ctx.shoes.empty else []:
        total = float(row["starting_distance_m"])
        mine = ctx.spikes[ctx.spikes[SHOE_ID] == row["shoe_id"]]
        for day, distance in zip(mine[LOCAL_DATE], mine[DISTANCE_M], strict=True):
            total += float(distance)
            if total >= float(row["window_end_m"]):
                worn.append((day, day))
    return [
        (f"a run over {t.moderate_spike_ratio:.1f}x the longest of the 30 days before", spikes),
        (
            f"a week over +{t.two_week_growth_ratio:.0%} (on a base of at least "
            f"{ctx.distance(t.low_base_m, 0)})",
            weeks,
        ),
        ("a run in a shoe past its replacement window", worn),
        ("a strength session (logged or from a watch file)", _strength_spans(ctx)),
    ]


def _strength_spans(ctx: RuleContext) -> list[tuple[date, date]]:
    """Days with strength work done (issue #22): logged sessions and strength activities."""
    acts = ctx.activities
    recorded = (
        set(acts[acts[SPORT] == Sport.STRENGTH.value][LOCAL_DATE]) if not acts.empty else set()
    )
    return [(d, d) for d in sorted(recorded | set(ctx.strength_dates))]


def own_pattern(ctx: RuleContext) -> OwnPattern:
    """Across the log's episodes: how often each factor came within the 14 days before one,
    against how often it occurred at all. Counts, never a risk score (n is small)."""
    found = episodes(ctx)
    window = timedelta(days=PATTERN_WINDOW_DAYS)
    factors = []
    for label, spans in _occurrences(ctx):
        with_factor = sum(any(a <= e and b >= e - window for a, b in spans) for e in found)
        followed = sum(any(a <= e <= b + window for e in found) for a, b in spans)
        factors.append(PatternFactor(label, with_factor, len(spans), followed))
    return OwnPattern(found, tuple(factors), ctx.thresholds.injury_pattern_min_episodes)
