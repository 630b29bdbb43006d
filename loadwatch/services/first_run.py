"""The first run: an athlete with their units, week start, home time zone and first pair of
shoes, before any file is imported (issue #12)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import admin, repository
from loadwatch.db.engine import writer
from loadwatch.errors import InputError
from loadwatch.services._checks import athlete_name, shoe_name
from loadwatch.services.athletes import AthleteSettings, athlete_settings, weekday_number
from loadwatch.services.shoes import add_shoe
from loadwatch.units import DistanceUnit


def start_athlete(
    engine: Engine,
    name: str,
    *,
    units: DistanceUnit | str = DistanceUnit.KM,
    week_start: str | int = 0,
    home_tz: str = "UTC",
    shoe: str | None = None,
    shoe_starting_m: float = 0.0,
    shoe_first_used_on: date | None = None,
    actor: Actor = LOCAL,
) -> AthleteSettings:
    """Create an athlete with their settings and, optionally, a first (default) pair of shoes.

    Args:
        units: "km" or "mi", for display only (storage stays metres).
        week_start: 0 = Monday ... 6 = Sunday, or a weekday's name.
        home_tz: an IANA zone, for files that carry no zone (`default_home_tz` is the
            machine's).
        shoe_starting_m: distance already on the pair (metres).
        shoe_first_used_on: the pair's first day of use: it takes imported runs from that
            local day on (issue #24; None: every run).

    Raises:
        InputError: a bad name, unit, weekday, time zone or shoe; a name already taken
            (ignoring case). Nothing is created then.
        NotAllowedError: a club account that is not an admin (runner accounts get their
            athlete with the account).
    """
    name = athlete_name(name)
    try:
        chosen = DistanceUnit(units)
    except ValueError:
        raise InputError(f"units must be 'km' or 'mi', got {units!r}") from None
    weekday = weekday_number(week_start)
    try:
        ZoneInfo(home_tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {home_tz!r}; use a name like 'Europe/Zurich'"
        ) from None
    pair = shoe_name(shoe) if shoe and shoe.strip() else None
    if pair is not None and not 0 <= shoe_starting_m < 1e7:
        raise InputError(f"distance already on the shoes must be 0 or more, got {shoe_starting_m}")
    with Session(writer(engine)) as session, session.begin():
        auth.require_admin(session, actor, "adding an athlete")
        existing = admin.find_athlete(session, name)
        if existing is not None:
            raise InputError(f"there is already an athlete named {existing.name!r}")
        athlete = admin.get_or_create_athlete(session, name, home_tz)
        setting = repository.settings(session, athlete.id)
        setting.units = chosen.value
        setting.week_start = weekday
    if pair is not None:
        add_shoe(
            engine,
            name,
            pair,
            starting_distance_m=shoe_starting_m,
            is_default=True,
            first_used_on=shoe_first_used_on,
            actor=actor,
        )
    return athlete_settings(engine, name, actor=actor)
