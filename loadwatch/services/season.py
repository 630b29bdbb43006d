"""The season (issue #20): the runner's goal and run days, stored per athlete, and the plan for
the weeks ahead (`season_plan`), computed by the pure rule in rules/season.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import PlanSetting
from loadwatch.domain import WEEKDAYS, Goal, GoalKind, PlanSettings
from loadwatch.errors import InputError
from loadwatch.load.frames import LOCAL_DATE, RUN_DISTANCE_M
from loadwatch.load.weekly import runs_only, weekly_distance, with_local_time
from loadwatch.services._checks import athlete_name
from loadwatch.services._common import today as local_today

MAX_RACE_M = 250_000.0  # issue #20: a race distance above 250 km is refused
MAX_GOAL_OVER_BEST = 3.0  # issue #20: a weekly target above 3x the runner's best week is refused


@dataclass(frozen=True, slots=True)
class GoalView:
    """The stored goal and run days, for the views (metres, local days)."""

    athlete: str
    goal: Goal | None
    run_weekdays: tuple[int, ...]
    runs_per_week: int | None


def plan_settings(session: Session, athlete_id: int) -> PlanSettings:
    """The athlete's stored run days and goal (defaults when none were saved)."""
    row = session.get(PlanSetting, athlete_id)
    if row is None:
        return PlanSettings()
    goal = None
    if row.goal_kind == GoalKind.WEEKLY.value and row.goal_weekly_m is not None:
        goal = Goal(GoalKind.WEEKLY, weekly_m=row.goal_weekly_m)
    elif row.goal_kind == GoalKind.RACE.value and row.goal_race_date is not None:
        goal = Goal(GoalKind.RACE, race_date=row.goal_race_date, race_m=row.goal_race_m)
    weekdays = tuple(int(w) for w in (row.run_weekdays or "").split(",") if w != "")
    return PlanSettings(weekdays, row.runs_per_week, goal)


def _row(session: Session, athlete_id: int) -> PlanSetting:
    row = session.get(PlanSetting, athlete_id)
    if row is None:
        row = PlanSetting(athlete_id=athlete_id)
        session.add(row)
    return row


def _best_week_m(session: Session, athlete_id: int) -> float:
    activities = with_local_time(repository.activities_frame(session, athlete_id))
    runs = runs_only(activities)
    if runs.empty:
        return 0.0
    last = max(runs[LOCAL_DATE])
    weekly = weekly_distance(runs, last)
    return float(weekly[RUN_DISTANCE_M].max()) if not weekly.empty else 0.0


def _view(name: str, settings: PlanSettings) -> GoalView:
    return GoalView(name, settings.goal, settings.run_weekdays, settings.runs_per_week)


def set_goal(
    engine: Engine,
    athlete: str,
    *,
    weekly_m: float | None = None,
    race_date: date | None = None,
    race_m: float | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> GoalView:
    """Set the season goal: a weekly distance (metres), or a race (local day and metres).

    Raises:
        InputError: neither or both kinds; a race in the past, a race distance of 0 or above
            250 km; a weekly target of 0 or above 3x the runner's best week. Nothing changes.
        NotFoundError: unknown athlete.
    """
    today = today or local_today()
    athlete = athlete_name(athlete)
    if (weekly_m is None) == (race_date is None):
        raise InputError(
            "give either a weekly target (--weekly-km) or a race (--race and --distance-km)"
        )
    if race_date is not None:
        if race_date < today:
            raise InputError(
                f"the race date {race_date:%Y-%m-%d} is in the past; give a date from today on"
            )
        if race_m is None or not 0 < race_m <= MAX_RACE_M:
            raise InputError(
                f"a race distance must be above 0 and at most {MAX_RACE_M / 1000:.0f} km, got "
                f"{(race_m or 0) / 1000:g} km; give the race distance with --distance-km"
            )
    with Session(writer(engine)) as session, session.begin():
        row_athlete = auth.athlete_for(session, actor, athlete, write=True)
        if weekly_m is not None:
            best = _best_week_m(session, row_athlete.id)
            if weekly_m <= 0:
                raise InputError(f"a weekly target must be above 0 km, got {weekly_m / 1000:g} km")
            if best > 0 and weekly_m > MAX_GOAL_OVER_BEST * best:
                raise InputError(
                    f"a weekly target of {weekly_m / 1000:g} km is above 3x your best week "
                    f"({best / 1000:.1f} km); choose at most "
                    f"{MAX_GOAL_OVER_BEST * best / 1000:.1f} km"
                )
        auth.record(session, actor, "goal-set", row_athlete.name)
        row = _row(session, row_athlete.id)
        if weekly_m is not None:
            row.goal_kind, row.goal_weekly_m = GoalKind.WEEKLY.value, weekly_m
            row.goal_race_date, row.goal_race_m = None, None
        else:
            row.goal_kind, row.goal_weekly_m = GoalKind.RACE.value, None
            row.goal_race_date, row.goal_race_m = race_date, race_m
        session.flush()
        return _view(row_athlete.name, plan_settings(session, row_athlete.id))


def clear_goal(engine: Engine, athlete: str, *, actor: Actor = LOCAL) -> GoalView:
    """Remove the season goal: the season then holds the runner's best recent week.

    Raises:
        NotFoundError: unknown athlete.
    """
    athlete = athlete_name(athlete)
    with Session(writer(engine)) as session, session.begin():
        row_athlete = auth.athlete_for(session, actor, athlete, write=True)
        auth.record(session, actor, "goal-clear", row_athlete.name)
        row = _row(session, row_athlete.id)
        row.goal_kind = row.goal_race_date = row.goal_race_m = row.goal_weekly_m = None
        session.flush()
        return _view(row_athlete.name, plan_settings(session, row_athlete.id))


def show_goal(engine: Engine, athlete: str, *, actor: Actor = LOCAL) -> GoalView:
    """The stored goal and run days.

    Raises:
        NotFoundError: unknown athlete.
    """
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row_athlete = auth.athlete_for(session, actor, athlete)
        return _view(row_athlete.name, plan_settings(session, row_athlete.id))


def run_weekdays(text: str) -> tuple[int, ...]:
    """Weekdays from "tue,thu,sat" (names or 0-6, 0 = Monday), sorted.

    Raises:
        InputError: an empty list or an unknown day.
    """
    names = [w.lower()[:3] for w in WEEKDAYS]
    days: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part.isdigit() and 0 <= int(part) <= 6:
            days.add(int(part))
        elif part[:3] in names and WEEKDAYS[names.index(part[:3])].lower().startswith(part):
            days.add(names.index(part[:3]))
        else:
            raise InputError(f"unknown weekday {part!r}; use mon, tue, wed, thu, fri, sat, sun")
    if not days:
        raise InputError("no run days chosen; give at least one, e.g. --days tue,thu,sat")
    return tuple(sorted(days))


def set_run_days(
    engine: Engine,
    athlete: str,
    *,
    weekdays: tuple[int, ...] | None,
    runs_per_week: int | None = None,
    actor: Actor = LOCAL,
) -> GoalView:
    """Choose the run weekdays (None: back to the habit) and how many runs a week.

    Raises:
        InputError: an empty set of weekdays, or runs a week outside 1-7 or above the weekdays
            chosen. Nothing changes.
        NotFoundError: unknown athlete.
    """
    athlete = athlete_name(athlete)
    if weekdays is not None and not weekdays:
        raise InputError("no run days chosen; give at least one, e.g. --days tue,thu,sat")
    if runs_per_week is not None and not 1 <= runs_per_week <= len(weekdays or range(7)):
        raise InputError(
            f"runs a week must be 1-{len(weekdays or range(7))} (the days chosen), got "
            f"{runs_per_week}"
        )
    with Session(writer(engine)) as session, session.begin():
        row_athlete = auth.athlete_for(session, actor, athlete, write=True)
        auth.record(session, actor, "run-days", row_athlete.name)
        row = _row(session, row_athlete.id)
        row.run_weekdays = ",".join(str(w) for w in weekdays) if weekdays else None
        row.runs_per_week = runs_per_week
        session.flush()
        return _view(row_athlete.name, plan_settings(session, row_athlete.id))
