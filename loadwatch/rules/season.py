"""R8 a season: run days, weekly targets for the weeks ahead, lighter weeks, a goal and its taper,
and the way back after a break (issue #20).

No trial prescribes periodisation for injury prevention: every number here is a convention or a
loadwatch default from the threshold registry, and the texts say which. Weeks are local calendar
weeks. A week's target is read from the complete weeks before it (recorded, then projected), so it
does not change while the week runs: the 7-day plan spreads it over the run days.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from loadwatch.domain import Goal, GoalKind
from loadwatch.load.frames import DISTANCE_M, LOCAL_DATE
from loadwatch.load.weekly import week_start_of
from loadwatch.rules.context import RuleContext
from loadwatch.rules.injury import injury_state
from loadwatch.rules.measures import EPSILON, REFERENCE_PERIODS
from loadwatch.rules.return_levels import (
    BreakReturn,
    injury_return_level_m,
    latest_break,
    ramp_level_m,
    return_ramp_fraction,
)
from loadwatch.rules.thresholds import Thresholds

HABIT_WEEKS = 12  # R8: the habit over the last 8-12 weeks that had running
HABIT_LOOKBACK_DAYS = 365  # how far back those weeks may lie (a break never erases the habit)
BEST_WEEKS = 12  # without a goal the season holds the best complete week of the last 12
DEFAULT_RUN_WEEKDAYS = (1, 3, 5, 6)  # Tue, Thu, Sat, Sun when there is no history to follow
SEASON_WEEKS = 8  # weeks the season shows by default (the issue asks for 4-8)
SPACED_WEEKS = 1  # the first week back after a break: no back-to-back run days (loadwatch default)
HISTORY_WEEKS = 16  # complete weeks read before the current one
GROWTH_NOISE = 0.01  # a week within 1 % of the highest before is not a week of growth (noise)
RETURN_MEMORY_WEEKS = 26  # a break is remembered (its week before) this long after the return

BUILD, HOLD, LIGHTER, TAPER, RACE, RETURN, START = (
    "build",
    "hold",
    "lighter",
    "taper",
    "race",
    "return",
    "start",
)


@dataclass(frozen=True, slots=True)
class Habit:
    """The run weekdays (0 = Monday), each one's weight in the week and where they come from."""

    weekdays: tuple[int, ...]
    weights: dict[int, float]  # usual metres per weekday (equal weights when unknown)
    long_weekday: int | None
    source: str


@dataclass(frozen=True, slots=True)
class SeasonWeek:
    """One week of the season: its target (metres; infinite before a complete week of running,
    when the load rules alone cap the runs) and why."""

    week_start: date
    target_m: float
    kind: str  # build | hold | lighter | taper | race | return | start
    reason: str
    done_m: float  # recorded so far (the current week) or 0 (weeks ahead)


@dataclass(frozen=True, slots=True)
class Season:
    """The weeks ahead (this week first), the level they build to or hold, and the habit."""

    weeks: tuple[SeasonWeek, ...]
    level_m: float
    level_note: str
    goal: Goal | None
    habit: Habit
    returning_week: int | None  # 1 = the first week back after a break, else None
    first_week_back: date | None = None  # the first week back after a break (may lie ahead)

    def week(self, day: date, week_start: int) -> SeasonWeek | None:
        start = week_start_of(day, week_start)
        return next((w for w in self.weeks if w.week_start == start), None)

    @property
    def long_share(self) -> float:
        """The long run's share of the week: constant, so it grows no faster than the week."""
        total = sum(self.habit.weights.get(d, 0.0) for d in self.habit.weekdays)
        long = self.habit.weights.get(self.habit.long_weekday or 0, 0.0)
        return long / total if total > 0 else 0.0


def _runs_per_day(ctx: RuleContext) -> dict[date, float]:
    runs = ctx.spikes[
        (ctx.spikes[LOCAL_DATE] <= ctx.as_of)
        & (ctx.spikes[LOCAL_DATE] > ctx.as_of - timedelta(days=HABIT_LOOKBACK_DAYS))
    ]
    per_day: dict[date, float] = {}
    for day, distance in zip(runs[LOCAL_DATE], runs[DISTANCE_M], strict=True):
        per_day[day] = per_day.get(day, 0.0) + float(distance)
    return per_day


def habit(ctx: RuleContext) -> Habit:
    """The runner's run days: their settings, else the habit over the last 12 complete calendar
    weeks that had running (else the weeks before the current one, else the current week), else
    the default days."""
    settings = ctx.plan_settings
    per_day = _runs_per_day(ctx)
    current = week_start_of(ctx.as_of, ctx.week_start)
    weeks: dict[date, list[date]] = {}
    for day in per_day:
        weeks.setdefault(week_start_of(day, ctx.week_start), []).append(day)
    first = _first_full_week(ctx)
    # complete weeks first; a new log's partial first week before the current one; the
    # current week only when the log holds nothing before it (following today's plan must not
    # reshape the habit the plan is spread by)
    past = (
        sorted(w for w in weeks if first <= w < current)
        or sorted(w for w in weeks if w < current)
        or sorted(weeks)
    )
    # weeks of an injury and its return ladder are not the runner's week (its runs are the
    # ladder's), so they neither erase the habit nor reshape it
    hurt = _injury_weeks(ctx) | _return_weeks(ctx)
    past = [w for w in past if w not in hurt] or past
    chosen = past[-HABIT_WEEKS:]
    days = [d for w in chosen for d in weeks[w]]
    counts = Counter(d.weekday() for d in days)
    totals: dict[int, list[float]] = {}
    for day in days:
        totals.setdefault(day.weekday(), []).append(per_day[day])
    usual = {w: sum(v) / len(v) for w, v in totals.items()}
    ranked = sorted(counts, key=lambda w: (-counts[w], -usual.get(w, 0.0), w))
    if chosen:
        per_week = sorted(len(weeks[w]) for w in chosen)
        habitual = max(1, per_week[len(per_week) // 2])
        source = f"your habit over the last {len(chosen)} weeks that had running"
    else:
        ranked, habitual = list(DEFAULT_RUN_WEEKDAYS), len(DEFAULT_RUN_WEEKDAYS)
        source = "default days (no running history to follow)"
    if settings.run_weekdays:
        pool = list(settings.run_weekdays)
        source = "the run days you chose"
    else:
        pool = ranked + [d for d in DEFAULT_RUN_WEEKDAYS if d not in ranked]
    count = settings.runs_per_week or (len(pool) if settings.run_weekdays else habitual)
    if settings.runs_per_week:
        source += f", {settings.runs_per_week} runs a week"
        pool = sorted(pool, key=lambda w: (-counts.get(w, 0), w)) if settings.run_weekdays else pool
    weekdays = tuple(sorted(pool[:count]))
    known = [usual[w] for w in weekdays if w in usual]
    fill = sum(known) / len(known) if known else 1.0
    weights = {w: usual.get(w, fill) for w in weekdays}
    long_weekday = max(weekdays, key=lambda w: (weights[w], w)) if weekdays else None
    return Habit(weekdays, weights, long_weekday, source)


def _injury_weeks(ctx: RuleContext) -> set[date]:
    """Calendar weeks that hold a day of an injury period, or a run of the latest return
    ladder before it was complete."""
    weeks: set[date] = set()
    for period in ctx.injuries:
        last = period.end_date or ctx.as_of
        day = period.start_date
        while day <= last:
            weeks.add(week_start_of(day, ctx.week_start))
            day += timedelta(days=7)
        weeks.add(week_start_of(last, ctx.week_start))
    ladder = injury_state(ctx).ladder if ctx.injuries else None
    if ladder is not None:
        weeks |= {week_start_of(r.run_date, ctx.week_start) for r in ladder.runs}
    return weeks


def _return_weeks(ctx: RuleContext) -> set[date]:
    """Calendar weeks of the return from the latest break, for `RETURN_MEMORY_WEEKS` weeks from
    the first run back: their runs are the return's (spaced, on the ladder), not the runner's
    week, so they neither reshape the habit the plan is spread by nor shrink its run days."""
    gap = last_break(ctx)
    if gap is None or gap.first_back is None:
        return set()
    first = week_start_of(gap.first_back, ctx.week_start)
    current = week_start_of(ctx.as_of, ctx.week_start)
    weeks = min(RETURN_MEMORY_WEEKS, (current - first).days // 7 + 1)
    return {first + timedelta(days=7 * k) for k in range(weeks)}


def week_totals(ctx: RuleContext, weeks: int = HISTORY_WEEKS) -> list[float]:
    """Running metres of the `weeks` complete calendar weeks before the current one, oldest
    first."""
    start = week_start_of(ctx.as_of, ctx.week_start)
    first = _first_full_week(ctx)
    log = ctx.run_log
    return [
        log.total(start - timedelta(days=7 * k), start - timedelta(days=7 * k - 6))
        if start - timedelta(days=7 * k) >= first
        else 0.0
        for k in range(weeks, 0, -1)
    ]


def _first_full_week(ctx: RuleContext) -> date:
    """The first calendar week the log covers whole: a log that starts mid-week (a new user's
    first file on a Sunday) has a partial first week, which is neither a complete week of
    running nor the runner's habit."""
    if ctx.activities.empty:
        return ctx.as_of
    first_day = min(ctx.activities[LOCAL_DATE])
    week = week_start_of(first_day, ctx.week_start)
    return week if week == first_day else week + timedelta(days=7)


def growth_streak(totals: list[float], return_m: float = 0.0) -> int:
    """Weeks of growth in a row at the end of `totals`: each above the highest of the four
    before it (R2's definition of growth; a week back to the pre-injury level `return_m` is a
    return, not growth), by more than 1 % (files measure a few metres differently from week
    to week)."""
    streak = 0
    for i in range(len(totals) - 1, 0, -1):
        before = [*totals[max(0, i - REFERENCE_PERIODS) : i], return_m]
        if totals[i] > max(before) * (1 + GROWTH_NOISE) + EPSILON and totals[i] > 0:
            streak += 1
        else:
            break
    return streak


def last_break(ctx: RuleContext) -> BreakReturn | None:
    """The latest stretch of `break_days`+ days without running whose first run back lies
    within the last `RETURN_MEMORY_WEEKS` weeks or is still going on (None otherwise): R2's
    `latest_break`, remembered longer (its week before is the season's level)."""
    return ctx.memo(
        "season_last_break",
        lambda: latest_break(
            ctx.run_log, ctx.as_of, ctx.week_start, ctx.thresholds, 7 * RETURN_MEMORY_WEEKS
        ),
    )


def _level(ctx: RuleContext, history: list[float], pre_break_m: float) -> tuple[float, str]:
    """What the season builds to or holds (metres), and why."""
    t = ctx.thresholds
    goal = active_goal(ctx)
    best = max([*history[-BEST_WEEKS:], pre_break_m, 0.0])
    if goal is None:
        if ctx.plan_settings.goal is not None:
            note = "your race has passed: the season holds your best recent week; set a new goal"
        else:
            note = (
                "no goal set: the season holds your best complete week of the last "
                f"{BEST_WEEKS} (or the week before a break) and does not grow beyond it "
                "(loadwatch default: growth needs a reason); set a weekly or race goal to build"
            )
        return best, f"{note} ({ctx.distance(best)})"
    if goal.kind is GoalKind.WEEKLY and goal.weekly_m is not None:
        return goal.weekly_m, f"your goal: {ctx.distance(goal.weekly_m)} a week, then hold it"
    race_m = goal.race_m or 0.0
    peak = max(best, race_m * t.race_peak_multiple)
    return peak, (
        f"your race on {goal.race_date:%a %d %b} ({ctx.distance(race_m)}): the season builds "
        f"within the growth rules towards {ctx.distance(peak)} a week ({t.race_peak_multiple:g}x "
        "the race distance, loadwatch default, or your usual week if higher), then tapers"
    )


def active_goal(ctx: RuleContext) -> Goal | None:
    """The goal, unless it is a race that has passed."""
    goal = ctx.plan_settings.goal
    is_race = goal is not None and goal.kind is GoalKind.RACE and goal.race_date is not None
    if is_race and goal is not None and goal.race_date is not None and goal.race_date < ctx.as_of:
        return None
    return goal


def next_target(
    history: list[float],
    level: float,
    t: Thresholds,
    return_m: float = 0.0,
    streak_return_m: float | None = None,
) -> tuple[float, str, str]:
    """(target metres, kind, reason) of the week after `history` (complete weeks, oldest first).

    A lighter week after `lighter_week_every - 1` weeks of growth; else growth of at most the
    weekly-growth limit over last week (or back to the highest of the four before, or to the
    pre-injury week `return_m` during a return, which R2 does not count as growth) towards
    `level`, never above it. `streak_return_m` (default `return_m`) is the level below which a
    week is not counted towards the lighter week: a return from a break is rebuilt in steps of
    weeks that rise, and those get their lighter week too."""
    previous = history[-1] if history else 0.0
    reference = max([*history[-REFERENCE_PERIODS:], return_m], default=0.0)
    streak = growth_streak(history, return_m if streak_return_m is None else streak_return_m)
    cut = t.lighter_week_cut
    if streak >= t.lighter_week_every - 1 and previous > 0:
        return (
            previous * (1 - cut),
            LIGHTER,
            f"lighter week: {cut:.0%} below last week after {streak} weeks of growth "
            "(convention: a lighter week at least every fourth week of growth)",
        )
    grown = max(reference, previous * (1 + t.weekly_growth_ratio))
    if level <= reference + EPSILON:
        return level, HOLD, "holds the season's level"
    if grown >= level - EPSILON:
        return level, BUILD, "reaches the season's level"
    return (
        grown,
        BUILD,
        f"builds at most {t.weekly_growth_ratio:.0%} over last week (the growth guideline, R2)",
    )


def season(
    ctx: RuleContext, weeks: int = SEASON_WEEKS, current_week_m: float | None = None
) -> Season:
    """The current week and the weeks ahead (`weeks` in all), from the complete weeks before.

    Args:
        ctx: the rule context (its run log, plan settings, injuries and thresholds).
        weeks: how many weeks to show, the current one included (at least 1).
        current_week_m: what the current week will hold when the 7-day plan is followed (its
            runs so far plus the plan's runs left in it); the weeks ahead build on that, so the
            plan for next week does not change when this week ends as planned. None: the
            current week's target.

    Returns:
        A `Season`: each week's target (metres), kind and reason.
    """
    t = ctx.thresholds
    hab = habit(ctx)
    history = week_totals(ctx)
    current = week_start_of(ctx.as_of, ctx.week_start)
    gap = last_break(ctx)
    level, note = _level(ctx, history, gap.before_m if gap else 0.0)
    # The weeks ahead read the current week as it will stand when it ends as planned, as the
    # next mornings will: a complete week (a log's first partial week counts as none) joins
    # the history, so it can become the reference the season holds (a new log's first full
    # week) without cutting, next Monday, a run promised today.
    ahead_level, counted = level, 0.0
    if current_week_m is not None:
        counted = current_week_m if current >= _first_full_week(ctx) else 0.0
        ahead_level, _ = _level(ctx, [*history, counted], gap.before_m if gap else 0.0)
    goal = active_goal(ctx)
    race_week = (
        week_start_of(goal.race_date, ctx.week_start)
        if goal is not None and goal.kind is GoalKind.RACE and goal.race_date is not None
        else None
    )
    first_back = None
    if gap is not None:
        first_back = week_start_of(_first_day_back(ctx, gap, hab), ctx.week_start)
    out: list[SeasonWeek] = []
    projected = list(history)
    returning_week = None
    for k in range(max(1, weeks)):
        start = current + timedelta(days=7 * k)
        week_level = level if k == 0 else ahead_level
        injury_back_to = injury_return_level_m(ctx.injuries, ctx.run_log, start, ctx.week_start, t)
        # the week's number in the return from the break (1 = the first week back), else None
        n = None
        if gap is not None and first_back is not None and start >= first_back:
            n = (start - first_back).days // 7 + 1
        ramp = ramp_level_m(gap.before_m, n, t) if gap is not None and n is not None else 0.0
        back_to = max(injury_back_to, ramp)
        target, kind, reason = next_target(projected, week_level, t, back_to, injury_back_to)
        if back_to > 0 and kind in (BUILD, HOLD) and target <= back_to + EPSILON:
            if n is not None and ramp > injury_back_to:
                share = return_ramp_fraction(n, t)
                reason = (
                    f"back from the break: up to {share:.0%} of your week before it "
                    f"({ctx.distance(back_to)}), a return to an established level, not growth "
                    f"(loadwatch default: {t.return_week_step:.0%} more of it each week, R2); "
                    "each run stays on the return ladder"
                )
            else:
                reason = (
                    f"back to your week before the injury ({ctx.distance(back_to)}): a return "
                    "to an established level, not growth (loadwatch default, R2)"
                )
        if gap is not None and n is not None:
            if k == 0:
                returning_week = n
            if n == 1:
                off = ((gap.first_back or ctx.as_of) - gap.last_run).days
                target = gap.before_m * t.return_first_week_fraction
                kind, reason = (
                    RETURN,
                    f"first week back after {off} days off: at most "
                    f"{t.return_first_week_fraction:.0%} of your week before the break "
                    f"({ctx.distance(gap.before_m)}; loadwatch default: coaching return tables "
                    "start at a third to a half), no back-to-back run days",
                )
            elif n <= SPACED_WEEKS:
                reason += "; no back-to-back run days yet (back from a break)"
        elif gap is not None and first_back is not None and start < first_back:
            target, kind = 0.0, RETURN
            reason = (
                "no run day of yours is left this week: the first week back starts on "
                f"{first_back:%a %d %b}"
            )
        if race_week is not None and goal is not None and goal.race_m is not None:
            peak = max(projected[-REFERENCE_PERIODS:], default=0.0)
            if start == race_week:
                target = peak * (1 - 2 * t.taper_cut)
                kind, reason = (
                    RACE,
                    (
                        f"race week: {2 * t.taper_cut:.0%} below your peak week besides the race "
                        f"({ctx.distance(goal.race_m)} on {goal.race_date:%a %d %b}; convention)"
                    ),
                )
            elif start == race_week - timedelta(days=7):
                target = peak * (1 - t.taper_cut)
                kind, reason = TAPER, f"taper: {t.taper_cut:.0%} below your peak week (convention)"
        if week_level <= 0 and gap is None:
            target, kind, reason = (
                math.inf,
                START,
                "no complete week of running yet: the load rules alone cap the runs",
            )
        done = ctx.run_log.total(start, ctx.as_of) if k == 0 else 0.0
        out.append(SeasonWeek(start, target, kind, reason, done))
        projected.append(counted if k == 0 and current_week_m is not None else target)
    return Season(tuple(out), level, note, goal, hab, returning_week, first_back)


def _first_day_back(ctx: RuleContext, gap: BreakReturn, hab: Habit) -> date:
    """The first run back: recorded, else the next of the runner's run days from today (a
    week with no run day left is not the first week back: the next morning would move it)."""
    if gap.first_back is not None:
        return gap.first_back
    for i in range(7):
        day = ctx.as_of + timedelta(days=i)
        if day.weekday() in hab.weekdays:
            return day
    return ctx.as_of
