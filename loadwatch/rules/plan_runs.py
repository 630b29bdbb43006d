"""The plan's run days: which of the runner's run days pain, injury and warnings leave as runs,
spacing on the way back, and each run's cap within the season's week. Split from
rules/plan.py (issue #19).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from loadwatch.domain import InjuryPeriod, PlanDay, PlanKind
from loadwatch.load.frames import LOCAL_DATE
from loadwatch.load.runlog import RunLog
from loadwatch.rules.injury_sites import site_name, sparing
from loadwatch.rules.measures import REFERENCE_PERIODS
from loadwatch.rules.pain import AMBER, RED
from loadwatch.rules.plan_caps import run_cap_m
from loadwatch.rules.planner import PLAN_DAYS, Planner
from loadwatch.rules.season import SPACED_WEEKS, season


def _returning_week(planner: Planner, day: date) -> int | None:
    """1 for the first week back after a break (the current week counts from the season)."""
    first = planner.season.first_week_back
    if first is None or planner.week(day) < first:
        return None
    return (planner.week(day) - first).days // 7 + 1


def runnable_days(planner: Planner) -> list[date]:
    """The runner's run days that pain and warnings leave as runs; the others become
    cross-training with the reason (RULES.md R3 and R7)."""
    pain, low_impact = planner.pain, planner.low_impact
    if planner.injury.ongoing is not None:
        _injured(planner, planner.injury.ongoing)
        return []
    candidates = (
        [d for d in planner.open_days if d.weekday() in planner.habit.weekdays]
        if planner.has_runs
        else []
    )
    runnable = []
    first_run = candidates[0] if candidates else None  # R3 red: swap the next run
    for day in candidates:
        if pain.is_stop:
            planner.cross(
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
            planner.cross(
                day,
                f"no run while red-zone pain has not settled (R3): {low_impact} instead; "
                "runs come back after a settled morning or a pain-free run",
                "pain",
            )
        else:
            runnable.append(day)
    trigger = planner.trigger
    if trigger is not None and runnable and not _swap_done(planner, trigger.date):
        planner.cross(
            runnable[0],
            f"replaces your next run with {low_impact} of similar duration "
            f"(because of the {trigger.rule_id} {trigger.severity.value})",
            trigger.rule_id,
        )
        runnable = runnable[1:]
    return runnable


def _swap_done(planner: Planner, alert_day: date) -> bool:
    """The warning's swap was already done: since the alert's day, a run day before today passed
    with cross-training recorded and no run. It replaces ONE run (R7); the next mornings, while
    the warning lasts, do not withdraw the following run again (issue #20, item 7)."""
    ctx = planner.ctx
    ran = set(ctx.spikes[LOCAL_DATE])
    return any(
        alert_day < d < ctx.as_of and d.weekday() in planner.habit.weekdays and d not in ran
        for d in planner.cross_days()
    )


def _injured(planner: Planner, period: InjuryPeriod) -> None:
    """An ongoing injury period: every run day becomes cross-training that spares the
    injured site, as a suggestion to clear with a professional (issue #14)."""
    cross, _ = sparing(period.location)
    planner.low_impact = cross
    for day in (d for d in planner.open_days if d.weekday() in planner.habit.weekdays):
        planner.cross(
            day,
            f"injured ({site_name(period)}): no running; a suggestion to clear with your "
            f"physiotherapist or doctor: {cross}, only if it does not hurt",
            "injury",
        )


def _spaced(planner: Planner, runnable: list[date], ladder: bool) -> list[date]:
    """No back-to-back run days during the return ladder or the first weeks back after a
    break (walk-run programmes and return tables run on alternate days); the days left out
    stay rest days and say why."""
    ran = [d for d in planner.ctx.spikes[LOCAL_DATE] if d <= planner.ctx.as_of]
    last = max(ran) if ran else None
    kept = []
    for day in runnable:
        week = _returning_week(planner, day)
        spaced = ladder or (week is not None and week <= SPACED_WEEKS)
        if spaced and last is not None and (day - last).days <= 1:
            planner.plan[day] = PlanDay(
                day,
                PlanKind.REST,
                "rest day: no back-to-back run days on the way back (loadwatch default)",
            )
            continue
        kept.append(day)
        last = day
    return kept


def _target_m(planner: Planner, day: date) -> float | None:
    """The season's target for the week of `day`; amber pain holds it (caps do not grow)."""
    week = planner.season.week(day, planner.ctx.week_start)
    if week is None:
        return None
    target = week.target_m
    if planner.pain.zone == AMBER:
        target = min(target, max(planner.history[-REFERENCE_PERIODS:], default=target))
    return target


def _room_from_earlier(
    planner: Planner, day: date, log: RunLog, cap: float
) -> tuple[RunLog, float, dict[date, PlanDay]] | None:
    """A run squeezed under the shortest planned run by the week's earlier planned runs (they
    share R2's week limit): the earlier runs, easy runs first and longest first, give up what it
    needs, each kept at least as long as the shortest run, so the week keeps its run days and
    its distance. Returns the log with them shorter, the day's cap and the shortened days (for
    the caller to keep only if the day gets its run); None when they cannot (or a limit other
    than the week's binds)."""
    t = planner.ctx.thresholds
    need = t.min_planned_run_m - cap
    week = planner.week(day)
    earlier = sorted(
        (
            d
            for d, p in planner.plan.items()
            if d < day
            and planner.week(d) == week
            and p.kind is PlanKind.RUN
            and not p.done
            and (p.max_distance_m or 0.0) > t.min_planned_run_m
        ),
        key=lambda d: (d in planner.long_days, -(planner.plan[d].max_distance_m or 0.0)),
    )
    cuts: dict[date, float] = {}
    for d in earlier:
        if need <= 0:
            break
        take = min(need, (planner.plan[d].max_distance_m or 0.0) - t.min_planned_run_m)
        cuts[d] = take
        need -= take
    if need > 0:
        return None
    trial = log
    for d, take in cuts.items():
        trial = trial.with_run(d, -take)
    new_cap = run_cap_m(planner.ctx, day, trial, planner.pain)
    if new_cap < t.min_planned_run_m:
        return None
    shortened: dict[date, PlanDay] = {}
    for d, take in cuts.items():
        p = planner.plan[d]
        metres = (p.max_distance_m or 0.0) - take
        base = p.reason.split("; keep it under ", 1)[0]
        shortened[d] = replace(
            p,
            max_distance_m=metres,
            reason=f"{base}; keep it under {planner.ctx.distance(metres)} (it leaves room in "
            f"the week's limit, R2, for {day:%a}'s run)",
        )
    return trial, t.min_planned_run_m, shortened


def place_runs(planner: Planner, runnable: list[date]) -> None:
    """Caps day by day, counting the plan's own earlier runs (`run_cap_m`), each at most
    its share of what is left of the week's target."""
    ctx, t = planner.ctx, planner.ctx.thresholds
    ladder = planner.injury.ladder if planner.injury.is_returning else None
    runnable = _spaced(planner, runnable, ladder is not None)
    weights = planner.habit.weights
    by_week: dict[date, list[date]] = {}
    for day in runnable:
        by_week.setdefault(planner.week(day), []).append(day)
    for days in by_week.values():
        longest = max(days, key=lambda d: (weights.get(d.weekday(), 0.0), d))
        if longest.weekday() == planner.habit.long_weekday:
            planner.long_days.add(longest)
    goal = planner.season.goal
    race_day = goal.race_date if goal is not None else None
    log = ctx.run_log
    current = planner.week(ctx.as_of)
    for day in runnable:
        if planner.week(day) != current and not planner.reprojected:
            # the weeks ahead build on this week as planned, not on its target
            planner.reprojected = True
            planner.season = season(
                ctx,
                len(planner.season.weeks),
                current_week_m=log.total(current, current + timedelta(days=6)),
            )
        if day == race_day and goal is not None and goal.race_m is not None:
            race_cap = min(goal.race_m, run_cap_m(ctx, day, log, planner.pain))
            why = f"race day: {ctx.distance(goal.race_m)}, the goal the season tapered for"
            if race_cap < goal.race_m - 1:
                why += (
                    f"; the load rules cap a run today at {ctx.distance(race_cap)} (R1: 1.1x "
                    "your longest run of the 30 days before; R2): the full race would be a "
                    "spike, so the plan keeps to the cap"
                )
            planner.plan[day] = PlanDay(day, PlanKind.RUN, why, race_cap)
            log = log.with_run(day, race_cap)
            continue
        cap = run_cap_m(ctx, day, log, planner.pain)
        why = "the week's longest run" if day in planner.long_days else "easy run"
        before_room = log
        shortened: dict[date, PlanDay] = {}
        if cap < t.min_planned_run_m and ladder is None:
            room = _room_from_earlier(planner, day, log, cap)
            if room is not None:
                log, cap, shortened = room
        target = _target_m(planner, day)
        if target is not None and ladder is None:
            start = planner.week(day)
            last_planned = planner.ctx.as_of + timedelta(days=PLAN_DAYS - 1)
            # the week's run days from this one on, beyond the 7 days too
            left = [
                d
                for d in (start + timedelta(days=i) for i in range(7))
                if d >= day
                and d.weekday() in planner.habit.weekdays
                and (d > last_planned or d in by_week[start])
            ]
            share = sum(weights.get(d.weekday(), 1.0) for d in left)
            remaining = target - log.total(start, day - timedelta(days=1))
            part = max(0.0, remaining) * weights.get(day.weekday(), 1.0) / share
            if part < cap:
                cap = part
                week = planner.season.week(day, ctx.week_start)
                why += f" (this week: {ctx.distance(target)}, {week.kind if week else ''})"
        if ladder is not None:
            cap = min(cap, ladder.step.distance_m)
        if cap < t.min_planned_run_m:
            log = before_room  # the week's share still leaves it too short: no run shortened
            least = ctx.distance(t.min_planned_run_m)
            planner.plan[day] = PlanDay(
                day,
                PlanKind.REST,
                f"no run: the week's target and the load and pain caps leave less than {least}",
            )
            continue
        planner.plan.update(shortened)
        log = log.with_run(day, cap)
        if ladder is not None:
            step = ladder.step
            why = (
                f"return ladder step {step.number} of {len(ladder.steps)} ({step.pattern}); "
                "the next step unlocks after a run that reaches "
                f"{ctx.distance(step.distance_m)} at pain 0-{t.pain_safe_max} that settles by "
                "the next morning"
            )
        planner.plan[day] = PlanDay(
            day, PlanKind.RUN, f"{why}; keep it under {ctx.distance(cap)}", cap
        )
