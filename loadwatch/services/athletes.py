"""Athletes and their settings: listing, renaming and deleting athletes, listing activities,
units, week start, home time zone, default sport and thresholds; also opening the database.

Athlete names match case-insensitively everywhere (`ana` is `Ana`, issue #10): lookups go
through `loadwatch.db.admin`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import admin, repository
from loadwatch.db.admin import DeletedCounts
from loadwatch.db.engine import writer
from loadwatch.db.models import Athlete, Setting
from loadwatch.domain import WEEKDAYS, ActivityRow, Sport
from loadwatch.errors import InputError
from loadwatch.services._checks import athlete_name, check_not_too_early
from loadwatch.units import DistanceUnit

if TYPE_CHECKING:
    from loadwatch.rules.context import RuleContext
    from loadwatch.rules.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class AthleteSettings:
    athlete: str
    units: DistanceUnit
    week_start: int  # 0 = Monday ... 6 = Sunday
    home_tz: str
    thresholds: Thresholds
    default_sport: Sport = Sport.RUN


@dataclass(frozen=True, slots=True)
class AthleteSummary:
    name: str
    activities: int
    distance_m: float
    last_started_at: datetime | None


def list_athletes(engine: Engine, *, actor: Actor = LOCAL) -> list[AthleteSummary]:
    """The athletes `actor` may read, by name, with their activity counts."""
    with Session(engine) as session:
        readable = auth.readable_athlete_ids(session, actor)
        counts = repository.athlete_counts(session)
        return [
            AthleteSummary(a.name, *counts.get(a.id, (0, 0.0, None)))
            for a in repository.athletes(session)
            if readable is None or a.id in readable
        ]


def list_activities(
    engine: Engine,
    athlete: str | None = None,
    since: date | None = None,
    *,
    actor: Actor = LOCAL,
) -> list[ActivityRow]:
    """Activities oldest first, optionally for one athlete and from a (UTC) date.

    Raises:
        NotFoundError: unknown athlete. InputError: a blank, overlong or NUL-holding name, or
            a date before 1990.
    """
    athlete = athlete_name(athlete) if athlete else None
    if since is not None:
        check_not_too_early(since, "since date")
    with Session(engine) as session:
        athlete_id = auth.athlete_for(session, actor, athlete).id if athlete else None
        since_at = datetime.combine(since, time(), tzinfo=UTC) if since else None
        rows = repository.activity_rows(session, athlete_id, since_at)
        readable = auth.readable_athlete_ids(session, actor)
        if readable is not None:
            names = {a.name for a in repository.athletes(session) if a.id in readable}
            rows = [r for r in rows if r.athlete in names]
    auth.audit(engine, actor, "activities", sorted({r.athlete for r in rows}), is_read=True)
    return rows


def rename_athlete(
    engine: Engine, athlete: str, new_name: str, *, actor: Actor = LOCAL
) -> tuple[str, str]:
    """Rename `athlete` (matched ignoring case) to `new_name`; return the stored names before
    and after.

    Raises:
        NotFoundError: unknown athlete. InputError: a blank, overlong or NUL-holding name, or
            `new_name` already taken by another athlete, ignoring case.
    """
    athlete, new_name = athlete_name(athlete), athlete_name(new_name)
    with Session(writer(engine)) as session, session.begin():
        # Admins only in club mode: a runner's athlete has the runner's account name.
        auth.require_admin(session, actor, "renaming athletes")
        row = admin.get_athlete(session, athlete)
        auth.record(session, actor, "athlete-rename", row.name, new_name)
        before = row.name
        admin.rename_athlete(session, row, new_name)
        return before, row.name


def athlete_data(
    engine: Engine, athlete: str, *, actor: Actor = LOCAL
) -> tuple[str, DeletedCounts]:
    """The athlete's stored name and how much of their data `delete_athlete` would remove.

    Raises:
        NotFoundError: unknown athlete. InputError: a blank, overlong or NUL-holding name.
    """
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete, write=True)
        return row.name, admin.athlete_data_counts(session, row.id)


def delete_athlete(
    engine: Engine, athlete: str, *, actor: Actor = LOCAL
) -> tuple[str, DeletedCounts]:
    """Delete the athlete and all their data (activities, original files, pain entries, shoes,
    settings, squad memberships); return the name deleted and what was removed.

    Raises:
        NotFoundError: unknown athlete. InputError: a blank, overlong or NUL-holding name.
    """
    athlete = athlete_name(athlete)
    with Session(writer(engine)) as session, session.begin():
        auth.require_admin(session, actor, "deleting athletes (a runner deletes their account)")
        row = admin.get_athlete(session, athlete)
        auth.record(session, actor, "athlete-delete", row.name)
        name = row.name
        return name, admin.delete_athlete(session, row)


def athlete_settings(engine: Engine, athlete: str, *, actor: Actor = LOCAL) -> AthleteSettings:
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        view = settings_view(row, session.get(Setting, row.id))
    auth.audit(engine, actor, "settings-view", [view.athlete], is_read=True)
    return view


def settings_view(athlete: Athlete, setting: Setting | None) -> AthleteSettings:
    # Here, not at the top: the rules package imports pandas, which `loadwatch athletes` does
    # not need (issue #13).
    from loadwatch.rules.thresholds import Thresholds

    thresholds = (
        Thresholds.from_dict(json.loads(setting.thresholds_json))
        if setting and setting.thresholds_json
        else Thresholds()
    )
    return AthleteSettings(
        athlete=athlete.name,
        units=DistanceUnit(setting.units) if setting else DistanceUnit.KM,
        week_start=setting.week_start if setting else 0,
        home_tz=athlete.home_tz,
        thresholds=thresholds,
        default_sport=Sport(athlete.default_sport),
    )


def update_settings(
    engine: Engine,
    athlete: str,
    *,
    units: str | None = None,
    week_start: str | int | None = None,
    home_tz: str | None = None,
    thresholds: dict[str, float] | None = None,
    default_sport: str | None = None,
    actor: Actor = LOCAL,
) -> AthleteSettings:
    """Change units (km|mi), week start, home time zone, default sport (for files that do not
    say, such as a GPX without <type>) or thresholds.

    Raises:
        InputError: an unknown unit, weekday, time zone or threshold; nothing is changed.
        NotFoundError: unknown athlete.
    """
    athlete = athlete_name(athlete)
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        auth.record(session, actor, "settings", row.name)
        setting = repository.settings(session, row.id)
        if units is not None:
            if units not in {u.value for u in DistanceUnit}:
                raise InputError(f"units must be 'km' or 'mi', got {units!r}")
            setting.units = units
        if week_start is not None:
            setting.week_start = weekday_number(week_start)
        if default_sport is not None:
            if default_sport not in {s.value for s in Sport}:
                known = ", ".join(s.value for s in Sport)
                raise InputError(f"default sport must be one of {known}; got {default_sport!r}")
            row.default_sport = default_sport
        if home_tz is not None:
            try:
                ZoneInfo(home_tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise InputError(
                    f"unknown time zone {home_tz!r}; use a name like 'Europe/Zurich'"
                ) from None
            row.home_tz = home_tz
        if thresholds is not None:
            from loadwatch.rules.thresholds import Thresholds  # as in settings_view

            current = json.loads(setting.thresholds_json) if setting.thresholds_json else {}
            merged = {**current, **thresholds}
            Thresholds.from_dict(merged)  # validates
            setting.thresholds_json = json.dumps(merged)
        return settings_view(row, setting)


def weekday_number(value: str | int) -> int:
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    text = str(value).strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if text in (name, name[:3]):
            return index
    raise InputError(f"week start must be a weekday such as 'monday' or 'sunday', got {value!r}")


def athlete_context(session: Session, athlete: Athlete, as_of: date) -> RuleContext:
    """The rule context of `athlete` on `as_of`, built in one place (issue #19): their whole
    log, shoes, pain, injury periods, strength log and programme, plan settings, and their own
    units, week start and thresholds. The caller has checked access and owns the session."""
    from loadwatch.db.injuries import injury_periods
    from loadwatch.db.strength import strength_inputs_for
    from loadwatch.rules.context import rule_context
    from loadwatch.services.season import plan_settings

    settings = settings_view(athlete, session.get(Setting, athlete.id))
    dates, target = strength_inputs_for(session, [athlete.id])[athlete.id]
    return rule_context(
        repository.activities_frame(session, athlete.id),
        repository.shoes_frame(session, athlete.id),
        repository.pain_frame(session, athlete.id),
        as_of,
        settings.units,
        settings.week_start,
        settings.thresholds,
        injuries=injury_periods(session, athlete.id),
        strength_dates=dates,
        strength_target_per_week=target,
        plan_settings=plan_settings(session, athlete.id),
    )
