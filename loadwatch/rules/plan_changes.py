"""What changed in the plan since yesterday morning, and why (issue #20, item 7).

The plan is recomputed each morning from the log. A run it promised for a day is not withdrawn
or cut unless something new happened since yesterday morning: yesterday's session was missed,
longer or shorter than planned, or a session was added; a pain entry was saved; an injury period
started or ended. This module recomputes yesterday morning's plan from the data as it stood
then (pure: the context is filtered, nothing is stored), compares it with today's day by day
and names, for each changed day, what happened in between. A week that ended may also move the
season (the usual run days, the level it holds), and a week's runs may be spread again over the
days left with the week's distance kept: those are named too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from loadwatch.domain import CROSS_TRAINING_SPORTS, PlanDay, PlanKind, Sport
from loadwatch.load.frames import DISTANCE_M, LOCAL_DATE, SPORT
from loadwatch.load.weekly import week_start_of
from loadwatch.rules import evaluate
from loadwatch.rules.context import RuleContext, rule_context
from loadwatch.rules.injury import PASSED, injury_state
from loadwatch.rules.plan import weekly_plan
from loadwatch.rules.plan_monotony import MONOTONY
from loadwatch.rules.season import season

# A run cap that moves by less than this (a fraction of the earlier cap, or 100 m) is the same
# promise: the files' own distances differ by a few metres (loadwatch default, display only).
SAME_CAP_FRACTION = 0.03
SAME_CAP_M = 100.0
# Yesterday's run against its cap: under 90 % is shorter, over 102 % longer (loadwatch default).
SHORTER_FRACTION = 0.9
LONGER_FRACTION = 1.02
WINDOW_NOTE = (
    "recomputed this morning: each day's caps are read from the 30 days before it (R1) and "
    "the week to date (R2), which moved on by a day"
)


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One day whose plan differs from yesterday morning's, and why."""

    date: date
    before: str  # "run, at most 5.0 km", "cross-training", "rest", ...
    after: str
    reasons: tuple[str, ...]  # what happened since yesterday morning (never empty)
    is_withdrawn: bool  # a run promised yesterday is no run today, or its cap was cut
    has_event: bool  # a new entry, a session missed, longer, shorter or added explains it


def _describe(day: PlanDay, ctx: RuleContext) -> str:
    if day.kind is PlanKind.RUN:
        text = "run" + (
            f", at most {ctx.distance(day.max_distance_m)}" if day.max_distance_m else ""
        )
    else:
        text = day.kind.value.replace("_", "-")
    return text + (" + strength" if day.strength and day.kind is not PlanKind.STRENGTH else "")


def morning_context(ctx: RuleContext, day: date) -> RuleContext:
    """`ctx` as it stood on the morning of `day` (before ctx.as_of): activities before `day`,
    pain entries before it and `day`'s morning score, injury periods and strength as then."""
    acts = ctx.activities[ctx.activities[LOCAL_DATE] < day].drop(columns=[LOCAL_DATE])
    pain = ctx.pain[ctx.pain["entry_date"] <= day].copy()
    if not pain.empty:
        today = pain["entry_date"] == day
        pain.loc[today, ["during", "after"]] = None
        pain = pain[
            ~today | pain["morning"].notna()  # `day`'s post-run part had not happened yet
        ]
    shoes = ctx.shoes
    return rule_context(
        acts,
        shoes,
        pain,
        day,
        ctx.units,
        ctx.week_start,
        ctx.thresholds,
        injuries=ctx.injuries,
        strength_dates=[d for d in ctx.strength_dates if d < day],
        strength_target_per_week=ctx.strength_target_per_week,
        plan_settings=ctx.plan_settings,
    )


def morning_plan(ctx: RuleContext, day: date) -> list[PlanDay]:
    """The 7-day plan as it stood on the morning of `day`."""
    before = morning_context(ctx, day)
    return weekly_plan(before, evaluate(before), season(before))


def _events(ctx: RuleContext, yesterday: PlanDay) -> list[str]:
    """What happened from yesterday morning to this morning."""
    day = yesterday.date
    acts = ctx.activities[ctx.activities[LOCAL_DATE] == day]
    ran = float(acts.loc[acts[SPORT] == Sport.RUN.value, DISTANCE_M].sum())
    cross = acts[acts[SPORT].isin({c.value for c in CROSS_TRAINING_SPORTS})]
    strength = day in ctx.strength_dates or (acts[SPORT] == Sport.STRENGTH.value).any()
    events = []
    when = f"{day:%a %d %b}"
    if yesterday.kind is PlanKind.RUN and not yesterday.done:
        cap = yesterday.max_distance_m or 0.0
        if ran <= 0:
            events.append(f"the run planned for {when} was not recorded (missed)")
        elif cap and ran > cap * LONGER_FRACTION:
            events.append(
                f"your run on {when} ({ctx.distance(ran)}) was longer than planned "
                f"({ctx.distance(cap)})"
            )
        elif cap and ran < cap * SHORTER_FRACTION:
            events.append(
                f"your run on {when} ({ctx.distance(ran)}) was shorter than planned "
                f"({ctx.distance(cap)})"
            )
    elif ran > 0 and not yesterday.done:
        events.append(f"a run was added on {when} ({ctx.distance(ran)}), not in the plan")
    if not cross.empty and yesterday.kind is not PlanKind.CROSS_TRAINING:
        events.append(f"a {cross[SPORT].iloc[0]} session was added on {when}")
    if yesterday.kind is PlanKind.CROSS_TRAINING and cross.empty and not yesterday.done:
        events.append(f"the cross-training planned for {when} was not recorded")
    if strength and not yesterday.strength:
        events.append(f"a strength session was added on {when}")
    if yesterday.strength and not strength and not yesterday.done:
        events.append(f"the strength session planned for {when} was not recorded")
    pain = ctx.pain
    if not pain.empty:
        after = pain[(pain["entry_date"] == day) & (pain["after"].notna() | pain["during"].notna())]
        for _, row in after.iterrows():
            score = max(v for v in (row["during"], row["after"]) if pd.notna(v))
            events.append(f"a new pain entry: {int(score)}/10 after your run on {when}")
        morning = pain[(pain["entry_date"] == ctx.as_of) & pain["morning"].notna()]
        for _, row in morning.iterrows():
            events.append(f"a new pain entry: morning pain {int(row['morning'])}/10 today")
    ladder = injury_state(ctx).ladder
    if ladder is not None:
        for run in ladder.runs:
            if run.run_date == day and run.outcome == PASSED:
                done = ladder.is_complete and run is ladder.runs[-1]
                events.append(
                    f"your run on {when} passed return-ladder step {run.step}"
                    + (": the ladder is complete" if done else "")
                )
    for period in ctx.injuries:
        if period.start_date in (day, ctx.as_of):
            events.append(f"an injury period started on {period.start_date:%a %d %b}")
        if period.end_date in (day, ctx.as_of):
            events.append(f"your injury period ended on {period.end_date:%a %d %b}")
    return events


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _season_moves(ctx: RuleContext, yesterday: date) -> list[str]:
    """What moved in the season from yesterday morning to this morning without a new entry: a
    week that ended can change the runner's usual run days (the habit is read from complete
    weeks) and the level the season holds (a new log's first complete week becomes the
    reference). Both are named, so a changed day never says only "recomputed"."""
    before, now = season(morning_context(ctx, yesterday)), season(ctx)
    moves = []
    if before.habit.weekdays != now.habit.weekdays:
        names = ", ".join(WEEKDAYS[w] for w in now.habit.weekdays) or "none"
        was = ", ".join(WEEKDAYS[w] for w in before.habit.weekdays) or "none"
        moves.append(
            f"a week ended: your run days are now {names} (were {was}; {now.habit.source})"
        )
    if abs(now.level_m - before.level_m) > SAME_CAP_M:
        moves.append(
            f"a week ended: the season now holds {ctx.distance(now.level_m)} a week "
            f"(was {ctx.distance(before.level_m)}): {now.level_note}"
        )
    return moves


def _lapsed_warnings(
    earlier: Sequence[PlanDay], today: Sequence[PlanDay], as_of: date
) -> list[str]:
    """Warnings that shaped yesterday morning's plan and shape none of today's days: a warning
    lapses when its run leaves the rule's window, and the days it held are planned again."""
    shaped = {p.caused_by for p in today if p.caused_by}
    lapsed = sorted(
        {
            p.caused_by
            for p in earlier
            if p.caused_by and p.caused_by != MONOTONY and p.date >= as_of
        }
        - shaped
    )
    return [
        f"the {rule} warning that shaped yesterday's plan no longer applies this morning, so "
        "the days it held are planned again"
        for rule in lapsed
    ]


def _week_m(ctx: RuleContext, plan: Sequence[PlanDay], start: date, first: date) -> float:
    """The calendar week from `start` as `plan` sees it: runs recorded before `first` (the
    plan's first day) and the plan's runs in the week at their caps (metres)."""
    end = start + timedelta(days=6)
    recorded = ctx.run_log.total(start, first - timedelta(days=1)) if first > start else 0.0
    return recorded + sum(
        p.max_distance_m or 0.0
        for p in plan
        if p.kind is PlanKind.RUN and not p.done and start <= p.date <= end
    )


def _respread(
    ctx: RuleContext, before: Sequence[PlanDay], today: Sequence[PlanDay], day: date
) -> str | None:
    """A run cut or withdrawn while its week as planned keeps its distance: the week's runs
    were spread again over the days left, each within its own day's load caps."""
    start = week_start_of(day, ctx.week_start)
    was = _week_m(ctx, before, start, before[0].date)
    now = _week_m(ctx, today, start, today[0].date)
    if now < was - max(SAME_CAP_M, SAME_CAP_FRACTION * was):
        return None
    return (
        f"the week as planned keeps its distance ({ctx.distance(now)}): its runs are spread "
        "again over the days left, each within its own day's load caps (R1, R2)"
    )


def _sessions_moved(
    ctx: RuleContext, before: dict[date, PlanDay], today: Sequence[PlanDay], day: date
) -> str:
    """Why a run gave way to the week's monotony (R5): the week's other sessions as the plan
    now stands (a day that came into view, a session placed or moved)."""
    start = week_start_of(day, ctx.week_start)
    moved = [
        f"{p.date:%a} {_describe(p, ctx)}"
        + (f" (was {_describe(before[p.date], ctx)})" if p.date in before else " (new)")
        for p in today
        if p.date != day
        and start <= p.date <= start + timedelta(days=6)
        and not p.done
        and (p.date not in before or not _same(before[p.date], p))
    ]
    caution = f"the monotony caution (R5, {ctx.thresholds.monotony_caution:g})"
    if not moved:
        return (
            f"the plan's 7 days moved on by a day, and following the whole plan would reach "
            f"{caution}: an easy run gives way"
        )
    return (
        f"the week's other sessions as planned now ({'; '.join(moved)}) would take following "
        f"the whole plan to {caution}: an easy run gives way"
    )


def _same(before: PlanDay, after: PlanDay) -> bool:
    if before.kind is not after.kind or before.strength != after.strength:
        return False
    if before.kind is not PlanKind.RUN:
        return True
    old, new = before.max_distance_m or 0.0, after.max_distance_m or 0.0
    return abs(new - old) <= max(SAME_CAP_M, SAME_CAP_FRACTION * old)


def plan_changes(
    ctx: RuleContext, today: Sequence[PlanDay], before: Sequence[PlanDay] | None = None
) -> list[PlanChange]:
    """The days of `today`'s plan that differ from yesterday morning's plan, each with why.

    Args:
        ctx: today's rule context (the data as it stands now).
        today: today's plan (`weekly_plan(ctx, ...)`).
        before: yesterday morning's plan (default: recomputed with `morning_plan`).

    Returns:
        One `PlanChange` per changed day, in date order; empty when nothing changed or the log
        has no running before yesterday.
    """
    yesterday = ctx.as_of - timedelta(days=1)
    if ctx.activities.empty or min(ctx.activities[LOCAL_DATE]) >= yesterday:
        return []
    earlier = list(before) if before is not None else morning_plan(ctx, yesterday)
    by_day = {p.date: p for p in earlier}
    events = _events(ctx, by_day[yesterday]) if yesterday in by_day else []
    moves: list[str] | None = None  # computed once, when a day changed
    changes = []
    for now in today:
        was = by_day.get(now.date)
        if was is None or now.done or _same(was, now):
            continue
        old_cap, new_cap = was.max_distance_m or 0.0, now.max_distance_m or 0.0
        withdrawn = was.kind is PlanKind.RUN and (
            now.kind is not PlanKind.RUN
            or new_cap < old_cap - max(SAME_CAP_M, SAME_CAP_FRACTION * old_cap)
        )
        if moves is None:
            moves = _season_moves(ctx, yesterday) + _lapsed_warnings(earlier, today, ctx.as_of)
        why = list(events + moves)
        if withdrawn and earlier:
            spread = _respread(ctx, earlier, today, now.date)
            why += [spread] if spread is not None else []
        if withdrawn and now.caused_by == MONOTONY:
            why.append(_sessions_moved(ctx, by_day, today, now.date))
        changes.append(
            PlanChange(
                now.date,
                _describe(was, ctx),
                _describe(now, ctx),
                tuple(why) or (WINDOW_NOTE,),
                withdrawn,
                bool(events),
            )
        )
    return changes
