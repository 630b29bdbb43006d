"""Shoes: adding, the default pair, retiring, assigning runs and mileage per pair."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Athlete, Setting, Shoe
from loadwatch.domain import Sport
from loadwatch.errors import InputError, NotFoundError
from loadwatch.load.shoes import shoe_mileage, shoe_status
from loadwatch.services._checks import (
    NAME_MAX_LENGTH,
    athlete_name,
    check_day,
    check_id,
    optional_text,
    shoe_name,
)
from loadwatch.services._common import today as local_today
from loadwatch.services._localtime import default_home_tz
from loadwatch.services.athletes import settings_view

# No pair of running shoes lasts this far (the default window ends at 500 mi, about 805 km):
# a bigger starting distance or window is a typo ("1.6e38km"), refused rather than stored.
MAX_SHOE_DISTANCE_M = 20_000_000.0  # 20,000 km


@dataclass(frozen=True, slots=True)
class ShoeView:
    name: str
    brand_model: str | None
    distance_m: float
    starting_distance_m: float
    runs: int
    window_start_m: float
    window_end_m: float
    status: str
    is_default: bool
    retired_on: date | None
    first_used_on: date | None = None  # the default pair takes runs from this day (#24)


def add_shoe(
    engine: Engine,
    athlete: str,
    name: str,
    *,
    brand_model: str | None = None,
    starting_distance_m: float = 0.0,
    window_m: tuple[float, float] | None = None,
    is_default: bool | None = None,
    first_used_on: date | None = None,
    actor: Actor = LOCAL,
) -> ShoeView:
    """Add a pair (a new athlete is created on first use). New runs go on it when
    `is_default`; when None, only if it is the athlete's first pair (the dashboard's tick box
    passes True or False, issue #12).

    `first_used_on` (a local day; the dashboard and CLI default it to today): as the default
    pair it takes only runs from that day on, so importing years of old files after adding a
    new pair leaves the old runs off it (issue #24). None: every run imported while it is the
    default.

    Raises:
        InputError: a blank, overlong or duplicate name (or one with control characters), an
            overlong model, a starting distance outside 0-20,000 km, a bad window, a first day
            of use in the future or before 1990.
    """
    athlete, name = athlete_name(athlete), shoe_name(name)
    brand_model = optional_text(brand_model, "shoe brand and model", NAME_MAX_LENGTH)
    _check_distances(starting_distance_m, window_m)
    if first_used_on is not None:
        check_day(first_used_on, local_today(), "first day of use")
    with Session(writer(engine)) as session, session.begin():
        row = (
            repository.get_or_create_athlete(session, athlete, home_tz=default_home_tz())
            if actor.is_local
            else auth.athlete_for(session, actor, athlete, write=True)
        )
        auth.record(session, actor, "shoe-add", row.name, name)
        window = window_m or shoe_window_m(session, row)
        if repository.shoe_by_name(session, row.id, name) is not None:
            raise InputError(f"{athlete} already has a shoe named {name!r}")
        first = not repository.shoes(session, row.id)
        if is_default:
            _clear_default(session, row.id)
        repository.create_shoe(
            session,
            row.id,
            name,
            brand_model,
            starting_distance_m,
            window,
            first if is_default is None else is_default,
            first_used_on,
        )
    return _shoe(engine, athlete, name, actor)


def _check_distances(starting_distance_m: float, window_m: tuple[float, float] | None) -> None:
    limit_km = _km(MAX_SHOE_DISTANCE_M)
    if math.isnan(starting_distance_m):
        raise InputError("starting distance must be a number, got nan")
    if starting_distance_m < 0:
        raise InputError(f"starting distance must not be negative, got {starting_distance_m!r}")
    if starting_distance_m > MAX_SHOE_DISTANCE_M:
        raise InputError(
            f"starting distance {_km(starting_distance_m)} is more than any pair "
            f"lasts; give at most {limit_km}"
        )
    if window_m is None:
        return
    low, high = window_m
    if not (math.isfinite(low) and math.isfinite(high) and 0 < low < high):
        raise InputError(
            f"replacement window must be two increasing positive distances, got {window_m!r}"
        )
    if high > MAX_SHOE_DISTANCE_M:
        raise InputError(
            f"replacement window ends at {_km(high)}, more than any pair lasts; "
            f"give an end of at most {limit_km}"
        )


def _km(distance_m: float) -> str:
    """`20_000_001.0` -> "20,000.001 km"; an absurd `1.6e41` -> "1.6e+38 km"."""
    km = distance_m / 1000
    if not km < 1e12:
        return f"{km:.3g} km"
    return f"{km:,.3f}".rstrip("0").rstrip(".") + " km"


def _clear_default(session: Session, athlete_id: int) -> None:
    for shoe in repository.shoes(session, athlete_id):
        shoe.is_default = False


def set_default_shoe(engine: Engine, athlete: str, name: str, *, actor: Actor = LOCAL) -> ShoeView:
    """New runs go on this pair.

    Raises:
        NotFoundError: unknown athlete or shoe. InputError: a retired pair.
        NotAllowedError: `actor` may not change this athlete's shoes.
    """
    athlete, name = athlete_name(athlete), shoe_name(name)
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        auth.record(session, actor, "shoe-default", row.name, name)
        shoe = require_shoe(session, row.id, athlete, name)
        if shoe.retired_on is not None:
            raise InputError(f"shoe {name!r} is retired; a retired pair cannot be the default")
        _clear_default(session, row.id)
        shoe.is_default = True
    return _shoe(engine, athlete, name, actor)


def retire_shoe(
    engine: Engine,
    athlete: str,
    name: str,
    today: date | None = None,
    *,
    actor: Actor = LOCAL,
) -> ShoeView:
    """Retire a pair: it keeps its history but takes no new runs."""
    athlete, name = athlete_name(athlete), shoe_name(name)
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        auth.record(session, actor, "shoe-retire", row.name, name)
        shoe = require_shoe(session, row.id, athlete, name)
        shoe.retired_on = today or local_today()
        shoe.is_default = False
    return _shoe(engine, athlete, name, actor)


def assign_shoe(engine: Engine, activity_id: int, name: str, *, actor: Actor = LOCAL) -> None:
    """Put a run on a pair (of the run's athlete).

    Raises:
        NotFoundError: unknown activity or shoe. InputError: not a run, or a retired pair.
    """
    assign_shoes(engine, {activity_id: name}, actor=actor)


def assign_shoes(
    engine: Engine, assignments: Mapping[int, str | None], *, actor: Actor = LOCAL
) -> None:
    """Put runs on pairs of their athlete's (a name), or take them off every pair (None), in one
    transaction: all of them or none. The one shoe assignment (issue #19): `assign_shoe` and the
    Activities page's `set_activity_shoe` come here.

    Raises:
        NotFoundError: unknown activity or shoe. InputError: not a run, or a retired pair.
        NotAllowedError: `actor` may not change it.
    """
    checked = {
        check_id(activity_id, "activity", "; `loadwatch activities` lists them"): (
            None if name is None else shoe_name(name)
        )
        for activity_id, name in assignments.items()
    }
    with Session(writer(engine)) as session, session.begin():
        for activity_id, name in checked.items():
            activity = auth.activity_for(session, actor, activity_id, write=True)
            athlete = session.get_one(Athlete, activity.athlete_id)
            auth.record(
                session, actor, "shoe-assign", athlete.name, f"{activity_id}: {name or 'no pair'}"
            )
            if name is None:
                activity.shoe_id = None
                continue
            if activity.sport != Sport.RUN.value:
                raise InputError(
                    f"activity {activity_id} is a {activity.sport}, not a run; "
                    "shoes count runs only"
                )
            pair = require_shoe(session, athlete.id, athlete.name, name)
            if pair.retired_on is not None:
                raise InputError(
                    f"{pair.name!r} is retired; bring it back first (the Shoes page, or "
                    f"`loadwatch shoes unretire {pair.name!r}`)"
                )
            activity.shoe_id = pair.id


def require_shoe(session: Session, athlete_id: int, athlete: str, name: str) -> Shoe:
    shoe = repository.shoe_by_name(session, athlete_id, name)
    if shoe is None:
        known = ", ".join(s.name for s in repository.shoes(session, athlete_id)) or "none"
        raise NotFoundError(f"{athlete} has no shoe named {name!r}; known shoes: {known}")
    return shoe


def list_shoes(engine: Engine, athlete: str, *, actor: Actor = LOCAL) -> list[ShoeView]:
    """The athlete's pairs with their distance and status against the replacement window.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read them.
    """
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        frame = repository.shoes_frame(session, row.id)
        runs = repository.activities_frame(session, row.id)
        models = {s.id: s for s in repository.shoes(session, row.id)}
    auth.audit(engine, actor, "shoes-view", [row.name], is_read=True)
    runs = runs[runs["sport"] == Sport.RUN.value]
    mileage = shoe_mileage(runs, frame)
    views = []
    for _, shoe_row in mileage.iterrows():
        model = models[int(shoe_row["shoe_id"])]
        views.append(
            ShoeView(
                name=model.name,
                brand_model=model.brand_model,
                distance_m=float(shoe_row["distance_m"]),
                starting_distance_m=model.starting_distance_m,
                runs=int(shoe_row["runs"]),
                window_start_m=model.window_start_m,
                window_end_m=model.window_end_m,
                status=shoe_status(
                    model.retired_on is not None,
                    float(shoe_row["distance_m"]),
                    model.window_start_m,
                    model.window_end_m,
                ),
                is_default=model.is_default,
                retired_on=model.retired_on,
                first_used_on=model.first_used_on,
            )
        )
    return views


def _shoe(engine: Engine, athlete: str, name: str, actor: Actor) -> ShoeView:
    return next(s for s in list_shoes(engine, athlete, actor=actor) if s.name == name)


def unretire_shoe(engine: Engine, athlete: str, name: str, *, actor: Actor = LOCAL) -> ShoeView:
    """Bring a retired pair back: it takes runs again (it does not become the default).

    Raises:
        NotFoundError: unknown athlete or shoe. NotAllowedError: `actor` may not change them.
    """
    athlete, name = athlete_name(athlete), shoe_name(name)
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        auth.record(session, actor, "shoe-unretire", row.name, name)
        shoe = require_shoe(session, row.id, athlete, name)
        shoe.retired_on = None
    return _shoe(engine, athlete, name, actor)


def shoe_window_m(session: Session, athlete: Athlete) -> tuple[float, float]:
    """A new pair's replacement window (metres): the athlete's `shoe_window_*` thresholds."""
    thresholds = settings_view(athlete, session.get(Setting, athlete.id)).thresholds
    return thresholds.shoe_window_start_m, thresholds.shoe_window_end_m
