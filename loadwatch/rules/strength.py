"""R9 strength (issue #22): sessions counted against the programme, progression gated by pain,
the self-test's schedule, and the `strength` rule (knee pain and no strength work logged).

Pure functions. A strength day is a local day with a logged session (`RuleContext.strength_dates`)
or a strength activity from a watch file. Progression and its pain limits are loadwatch defaults
(RULES.md R9): the thresholds registry holds each number.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from loadwatch.domain import Alert, PainLocation, Severity
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext, activity_days
from loadwatch.rules.exercises import Exercise, Measure, exercise
from loadwatch.rules.pain import PainLists, pain_lists
from loadwatch.rules.thresholds import Thresholds

KNEE_LOCATIONS = (PainLocation.KNEE_FRONT.value, PainLocation.KNEE_SIDE.value)
ADHERENCE_WEEKS = 4
GAP_CITATIONS = ("crossley2016", "collins2018", "loadwatch")
START, UP, HOLD, BACK = "start", "up", "hold", "back"


def strength_days(ctx: RuleContext) -> set[date]:
    """Local days up to `as_of` with a logged session or a strength activity from a file."""
    days = {d for d in ctx.strength_dates if d <= ctx.as_of}
    days |= set(activity_days(ctx).strength)  # a squad prepares them (issue #27)
    return {d for d in days if d <= ctx.as_of}


def target_per_week(ctx: RuleContext) -> int:
    """The programme's sessions a week, else the plan's default (thresholds)."""
    if ctx.strength_target_per_week is not None:
        return ctx.strength_target_per_week
    return ctx.thresholds.strength_sessions


@dataclass(frozen=True, slots=True)
class StrengthCount:
    """Sessions this local week against the target, and the last 4 weeks' adherence.

    `adherence_4_weeks` is the sessions of the 28 days up to `as_of` over 4 x the target, at most
    1.0 (a fraction; None when the target is 0).
    """

    sessions_this_week: int
    target_per_week: int
    last_session_date: date | None
    sessions_4_weeks: int
    adherence_4_weeks: float | None


def strength_count(ctx: RuleContext) -> StrengthCount:
    days = strength_days(ctx)
    start = week_start_of(ctx.as_of, ctx.week_start)
    window = ctx.as_of - timedelta(days=7 * ADHERENCE_WEEKS)
    recent = sum(window < d for d in days)
    target = target_per_week(ctx)
    wanted = target * ADHERENCE_WEEKS
    return StrengthCount(
        sessions_this_week=sum(start <= d for d in days),
        target_per_week=target,
        last_session_date=max(days, default=None),
        sessions_4_weeks=recent,
        adherence_4_weeks=min(1.0, recent / wanted) if wanted else None,
    )


def knee_pain_days(pain: pd.DataFrame, since: date, until: date) -> list[date]:
    """Local days in (since, until] with a knee pain score above 0 (front or side of the knee).

    Args:
        pain: load/frames.py PAIN_COLUMNS.
    """
    if pain.empty:
        return []
    return _knee_days(PainLists.of(pain), since, until)


def _knee_days(pain: PainLists, since: date, until: date) -> list[date]:
    """`knee_pain_days` of column lists (issue #27: a squad runs this for every athlete)."""
    days = set()
    for day, location, during, after in zip(
        pain.entry_date, pain.location, pain.during, pain.after, strict=True
    ):
        if not since < day <= until or location not in KNEE_LOCATIONS:
            continue
        scores = [s for s in (during, after) if s is not None and s == s]
        if any(s > 0 for s in scores):
            days.add(day)
    return sorted(days)


def strength(ctx: RuleContext) -> Iterator[Alert]:
    """Knee pain logged and no strength session logged for `strength_gap_days` (loadwatch
    default): say so, once. Only when the log reaches back that far (a new log cannot tell)."""
    gap = ctx.thresholds.strength_gap_days
    since = ctx.as_of - timedelta(days=gap)
    entries = pain_lists(ctx)
    knee = _knee_days(entries, since, ctx.as_of)
    if not knee:
        return
    if any(d > since for d in strength_days(ctx)):
        return
    firsts = [min(entries.entry_date)]
    first_activity = activity_days(ctx).first
    if first_activity is not None:
        firsts.append(first_activity)
    if min(firsts) > since:
        return
    days = "1 day" if len(knee) == 1 else f"{len(knee)} days"
    yield Alert(
        "strength",
        Severity.CAUTION,
        f"Knee pain logged on {days} of the last {gap} and no strength session logged in that "
        "time: hip and knee exercise together is the first treatment the consensus statements "
        f"name for pain around the kneecap (loadwatch default: flagged after {gap} days).",
        {"knee_pain_days": float(len(knee)), "days_without_strength": float(gap)},
        GAP_CITATIONS,
        ctx.as_of,
    )


def self_test_due(ctx: RuleContext, last_test: date | None) -> bool:
    """The single-leg squat self-test is suggested while knee pain is logged (the last 28 days)
    and the last test is `strength_self_test_days` old or more (the seeds: every 2-4 weeks)."""
    window = ctx.as_of - timedelta(days=7 * ADHERENCE_WEEKS)
    if not _knee_days(pain_lists(ctx), window, ctx.as_of):
        return False
    return (
        last_test is None or (ctx.as_of - last_test).days >= ctx.thresholds.strength_self_test_days
    )


# Progression (loadwatch defaults, RULES.md R9)


@dataclass(frozen=True, slots=True)
class Target:
    """What to do next time: `amount` is reps per set, or seconds per hold; `load_kg` the load
    (None: body weight or a band)."""

    slug: str
    sets: int
    amount: int
    load_kg: float | None = None

    def text(self) -> str:
        ex = exercise(self.slug)
        load = f" + {self.load_kg:g} kg" if self.load_kg else ""
        return f"{ex.name} {self.sets} x {self.amount} {ex.unit}{load}"


def start_target(ex: Exercise) -> Target:
    return Target(ex.slug, ex.sets, ex.start)


@dataclass(frozen=True, slots=True)
class Performed:
    """One exercise as logged in a session: sets of `amount` reps (or seconds), pain 0-10 during
    it (None: not given, counted as pain-free)."""

    session_date: date
    slug: str
    sets: int
    amount: int
    load_kg: float | None
    pain: int | None


@dataclass(frozen=True, slots=True)
class Progress:
    """An exercise's next target after replaying its log: the change the last session made
    (start, up, hold or back) and why, in one sentence."""

    start: Target
    target: Target
    change: str
    reason: str
    sessions: int  # sessions of this exercise counted


def morning_rises(
    pain: pd.DataFrame, session_dates: Sequence[date], t: Thresholds
) -> dict[date, str]:
    """Session days followed by a next-morning pain that did not settle (RULES.md R3: above
    0-2 and above the morning score on or before the session day), with the reason.

    Args:
        pain: load/frames.py PAIN_COLUMNS.
    """
    if pain.empty:
        return {}
    mornings: dict[date, int] = {}
    for day, score in zip(pain["entry_date"], pain["morning"], strict=True):
        if score is not None and score == score:
            mornings[day] = int(score)
    rises = {}
    for day in session_dates:
        after = mornings.get(day + timedelta(days=1))
        if after is None or after <= t.strength_pain_up_max:
            continue
        before = [d for d in mornings if d <= day]
        baseline = mornings[max(before)] if before else None
        if baseline is None or after > baseline:
            base = f"its baseline {baseline}/10" if baseline is not None else "0-2"
            rises[day] = (
                f"next-morning pain {after}/10 on {day + timedelta(days=1):%a %d %b} was above "
                f"{base} after the session of {day:%a %d %b}"
            )
    return rises


def progress(
    start: Target,
    performed: Sequence[Performed],
    rises: Mapping[date, str],
    t: Thresholds,
) -> Progress:
    """Replay an exercise's log from its starting target, oldest session first.

    Per session of the current target's exercise: pain above `strength_pain_hold_max` (5), or a
    next-morning rise (`rises`), steps the target back; pain above `strength_pain_up_max` (2)
    holds it; all sets at the target with pain 0-2 in `strength_step_up_sessions` (2) sessions
    in a row step it up: more reps (or seconds) up to the top of the range, then, once the top
    was done, load (loadable exercises) or the harder variant. All loadwatch defaults.
    """
    target = start
    change, reason = START, f"starting dose: {start.text()}"
    streak: list[int] = []
    count = 0
    for p in sorted(performed, key=lambda p: p.session_date):
        if p.slug != target.slug:
            continue
        count += 1
        ex = exercise(target.slug)
        when = f"{p.session_date:%a %d %b}"
        if p.pain is not None and p.pain > t.strength_pain_hold_max:
            target = _step_back(target, ex, t)
            change = BACK
            reason = (
                f"pain {p.pain}/10 during {ex.name} on {when} was above "
                f"{t.strength_pain_hold_max}: stepped back to {target.text()} (loadwatch default)"
            )
            streak = []
        elif p.session_date in rises:
            target = _step_back(target, ex, t)
            change = BACK
            reason = f"{rises[p.session_date]}: stepped back to {target.text()} (loadwatch default)"
            streak = []
        elif p.pain is not None and p.pain > t.strength_pain_up_max:
            change = HOLD
            reason = (
                f"pain {p.pain}/10 during {ex.name} on {when} "
                f"({t.strength_pain_up_max + 1}-{t.strength_pain_hold_max}): target held"
            )
            streak = []
        elif (
            p.sets >= target.sets
            and p.amount >= target.amount
            and (p.load_kg or 0) >= (target.load_kg or 0)
        ):
            streak.append(p.amount)
            if len(streak) >= t.strength_step_up_sessions:
                before = target
                target = _step_up(target, ex, min(streak), t)
                change = UP if target != before else HOLD
                reason = (
                    f"all sets at the target with pain 0-{t.strength_pain_up_max} in "
                    f"{len(streak)} sessions in a row: stepped up to {target.text()}"
                    if target != before
                    else f"at the top of the range with no load or harder variant: keep "
                    f"{target.text()}"
                )
                streak = []
            else:
                change = HOLD
                reason = (
                    f"at the target with pain 0-{t.strength_pain_up_max} in {len(streak)} of "
                    f"{t.strength_step_up_sessions} sessions in a row"
                )
        else:
            change = HOLD
            reason = f"below the target on {when} ({p.sets} x {p.amount} {ex.unit}): target held"
            streak = []
    return Progress(start, target, change, reason, count)


def _step(ex: Exercise, t: Thresholds) -> int:
    return t.strength_reps_step if ex.measure is Measure.REPS else round(t.strength_hold_step_s)


def _step_up(target: Target, ex: Exercise, done: int, t: Thresholds) -> Target:
    if done < ex.high:
        return replace(target, amount=min(ex.high, max(target.amount, done) + _step(ex, t)))
    if ex.loadable:
        load = (target.load_kg or 0.0) + t.strength_load_step_kg
        return replace(target, amount=ex.low, load_kg=load)
    if ex.harder is not None:
        return start_target(exercise(ex.harder))
    return target


def _step_back(target: Target, ex: Exercise, t: Thresholds) -> Target:
    step = _step(ex, t)
    if target.amount - step >= ex.low:
        return replace(target, amount=target.amount - step)
    if target.load_kg:
        load = target.load_kg - t.strength_load_step_kg
        return replace(target, load_kg=load if load > 0 else None)
    if ex.easier is not None:
        return start_target(exercise(ex.easier))
    return replace(target, amount=ex.low)
