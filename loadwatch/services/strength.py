"""Strength (issue #22): log sessions in seconds, delete and list them, and the exercise library.

A session is one local day: every exercise logged on that day is in it, and logging an exercise
again that day updates it. A strength activity from a watch file counts as a session too. The
programme and each exercise's next target: services/programme.py; the single-leg squat
self-test: services/self_tests.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db import strength as store
from loadwatch.db.engine import writer
from loadwatch.db.models import (
    Athlete,
    StrengthSession,
    StrengthSet,
)
from loadwatch.domain import Sport
from loadwatch.errors import InputError, NotFoundError
from loadwatch.rules.exercises import (
    BY_SLUG,
    EXERCISES,
    Exercise,
    Measure,
    exercise,
)
from loadwatch.services._checks import (
    athlete_name,
    check_day,
    check_id,
    id_in_range,
    optional_text,
)
from loadwatch.services._common import today as clock
from loadwatch.services._localtime import default_home_tz, local_day

MAX_STRENGTH_SETS = 20


MAX_STRENGTH_REPS = 100


MAX_STRENGTH_HOLD_S = 600


MAX_STRENGTH_LOAD_KG = 500.0


MAX_SESSIONS_PER_WEEK = 7


BAND_MAX_LENGTH = 32  # StrengthSet.band (String(32))


DEFAULT_SET_BY = "loadwatch default"


def strength_exercises() -> tuple[Exercise, ...]:
    """The exercise library (rules/exercises.py), in its order."""
    return EXERCISES


def strength_exercise(slug: str) -> Exercise:
    """One exercise by slug.

    Raises:
        InputError: an unknown slug, naming the closest ones.
    """
    return exercise(slug)


@dataclass(frozen=True, slots=True)
class StrengthEntry:
    """One exercise as the runner logs it: `sets` of `reps`, or of holds of `hold_s` seconds;
    load in kg or a band; pain during it (0-10, None: not given)."""

    exercise: str
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    load_kg: float | None = None
    band: str | None = None
    pain: int | None = None


@dataclass(frozen=True, slots=True)
class StrengthSetView:
    id: int | None
    exercise: str
    name: str
    sets: int
    reps: int | None
    hold_s: int | None
    load_kg: float | None
    band: str | None
    pain: int | None


@dataclass(frozen=True, slots=True)
class StrengthSessionView:
    """A session: logged (`id`), or a strength activity from a watch file (`activity_id`)."""

    id: int | None
    session_date: date
    sets: tuple[StrengthSetView, ...]
    activity_id: int | None = None
    is_update: bool = False  # the day already had a session

    @property
    def source(self) -> str:
        return "log" if self.id is not None else "watch file"


def whole_number(value: object, what: str, low: int, high: int, unit: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{what} must be a whole number {low}-{high}{unit}, got {value!r}")
    return value


def _check_entry(entry: StrengthEntry) -> tuple[Exercise, StrengthEntry]:
    ex = exercise(entry.exercise)
    sets = whole_number(entry.sets, "sets", 1, MAX_STRENGTH_SETS)
    reps, hold = entry.reps, entry.hold_s
    if reps is not None and hold is not None:
        raise InputError(f"give reps or a hold in seconds for {ex.slug}, not both")
    if ex.measure is Measure.HOLD_S and reps is not None:
        raise InputError(
            f"{ex.slug} is measured as a hold in seconds; give --hold-s S instead of --reps"
        )
    if ex.measure is Measure.REPS and hold is not None:
        raise InputError(f"{ex.slug} is measured in reps; give --reps N instead of --hold-s")
    if ex.measure is Measure.REPS:
        if reps is None:
            raise InputError(f"give the reps per set for {ex.slug} (--reps N)")
        reps = whole_number(reps, "reps", 1, MAX_STRENGTH_REPS)
    else:
        if hold is None:
            raise InputError(f"give the hold in seconds for {ex.slug} (--hold-s S)")
        hold = whole_number(hold, "hold", 1, MAX_STRENGTH_HOLD_S, " seconds")
    load = entry.load_kg
    if load is not None:
        if isinstance(load, bool) or not isinstance(load, int | float) or load != load:
            raise InputError(f"load must be a number of kg, got {load!r}")
        if load < 0:
            raise InputError(f"load must be 0 kg or more, got {load:g} kg")
        if load > MAX_STRENGTH_LOAD_KG:
            raise InputError(f"load must be at most {MAX_STRENGTH_LOAD_KG:g} kg, got {load:g} kg")
        load = float(load) or None
    pain = entry.pain
    if pain is not None:
        pain = whole_number(pain, "pain", 0, 10)
    band = optional_text(entry.band, "band", BAND_MAX_LENGTH)
    return ex, StrengthEntry(ex.slug, sets, reps, hold, load, band, pain)


def writable_athlete(session: Session, actor: Actor, athlete: str) -> Athlete:
    """The athlete to log for: the local user's is created on first use (as a first pair of
    shoes is: strength work may come before any run); a club account needs write access."""
    if actor.is_local:
        return repository.get_or_create_athlete(session, athlete, home_tz=default_home_tz())
    return auth.athlete_for(session, actor, athlete, write=True)


def log_strength(
    engine: Engine,
    athlete: str,
    entry: StrengthEntry,
    *,
    on_date: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> StrengthSessionView:
    """Log one exercise into the session of `on_date` (default today); calls on one date form
    one session, and the same exercise again that day updates it. In personal mode a new
    athlete is created on first use (as with a first pair of shoes).

    Raises:
        InputError: an unknown slug (naming the closest), sets outside 1-20, reps outside
            1-100, a hold over 600 s, a negative load, pain outside 0-10, reps for a hold
            exercise (or the reverse), a date in the future or before 1990.
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not change it.
    """
    return log_strength_session(engine, athlete, [entry], on_date=on_date, today=today, actor=actor)


def log_strength_session(
    engine: Engine,
    athlete: str,
    entries: Sequence[StrengthEntry],
    *,
    on_date: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> StrengthSessionView:
    """Log several exercises into the session of `on_date` in one transaction (the page's
    form); each replaces that exercise's entry of the day. Nothing is stored if one is bad.

    Raises:
        InputError: as `log_strength`; or no exercise.
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not change it.
    """
    today = today or clock()
    athlete = athlete_name(athlete)
    day = on_date or today
    check_day(day, today, "strength session date")
    checked = [_check_entry(e)[1] for e in entries]
    if not checked:
        raise InputError("give at least one exercise")
    if len({e.exercise for e in checked}) != len(checked):
        raise InputError("each exercise once per session; log it again to change it")
    with Session(writer(engine)) as session, session.begin():
        row = writable_athlete(session, actor, athlete)
        auth.record(session, actor, "strength-log", row.name, day.isoformat())
        stored = store.session_on(session, row.id, day)
        is_update = stored is not None
        if stored is None:
            stored = StrengthSession(
                athlete_id=row.id, session_date=day, created_at=repository.now_utc()
            )
            session.add(stored)
            session.flush()
        existing = {s.exercise: s for s in sets_of(session, stored.id)}
        for e in checked:
            item = existing.get(e.exercise)
            if item is None:
                item = StrengthSet(session_id=stored.id, exercise=e.exercise)
                session.add(item)
            item.sets, item.reps, item.hold_s = e.sets, e.reps, e.hold_s
            item.load_kg, item.band, item.pain = e.load_kg, e.band, e.pain
        session.flush()
        return session_view(stored, sets_of(session, stored.id), is_update=is_update)


def delete_strength_session(
    engine: Engine, athlete: str, session_id: int, *, actor: Actor = LOCAL
) -> None:
    """Delete one of `athlete`'s sessions with its exercises.

    Raises:
        NotFoundError: unknown athlete or session. NotAllowedError: `actor` may not change it.
    """
    athlete = athlete_name(athlete)
    check_id(session_id, "strength session")
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        stored = session.get(StrengthSession, session_id) if id_in_range(session_id) else None
        if stored is None or stored.athlete_id != row.id:
            raise NotFoundError(
                f"{row.name} has no strength session {session_id}; "
                "`loadwatch strength list` shows them"
            )
        session.execute(delete(StrengthSet).where(StrengthSet.session_id == stored.id))
        session.delete(stored)
        auth.record(session, actor, "strength-delete", row.name, str(session_id))


def delete_strength_exercise(
    engine: Engine, athlete: str, session_id: int, slug: str, *, actor: Actor = LOCAL
) -> None:
    """Take one exercise out of a session (the session goes when it is left empty).

    Raises:
        NotFoundError: unknown athlete, session or exercise in it.
    """
    athlete = athlete_name(athlete)
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        stored = session.get(StrengthSession, session_id) if id_in_range(session_id) else None
        items = sets_of(session, stored.id) if stored and stored.athlete_id == row.id else []
        found = [i for i in items if i.exercise == slug]
        if stored is None or not found:
            raise NotFoundError(f"{row.name}'s session {session_id} has no exercise {slug!r}")
        session.delete(found[0])
        session.flush()
        if len(items) == 1:
            session.delete(stored)
        auth.record(session, actor, "strength-delete", row.name, f"{session_id} {slug}")


def sets_of(session: Session, session_id: int) -> list[StrengthSet]:
    return list(
        session.scalars(
            select(StrengthSet).where(StrengthSet.session_id == session_id).order_by(StrengthSet.id)
        )
    )


def set_view(item: StrengthSet) -> StrengthSetView:
    return StrengthSetView(
        item.id,
        item.exercise,
        BY_SLUG[item.exercise].name if item.exercise in BY_SLUG else item.exercise,
        item.sets,
        item.reps,
        item.hold_s,
        item.load_kg,
        item.band,
        item.pain,
    )


def session_view(
    stored: StrengthSession, items: Sequence[StrengthSet], *, is_update: bool = False
) -> StrengthSessionView:
    return StrengthSessionView(
        stored.id, stored.session_date, tuple(set_view(i) for i in items), is_update=is_update
    )


def list_strength(
    engine: Engine, athlete: str, since: date | None = None, *, actor: Actor = LOCAL
) -> list[StrengthSessionView]:
    """The athlete's sessions from `since`, oldest first: logged ones, and strength activities
    from watch files (on days without a logged session).

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read it.
    """
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        logged = [session_view(s, items) for s, items in store.sessions(session, row.id, since)]
        files = [
            a for a in repository.activity_rows(session, row.id) if a.sport == Sport.STRENGTH.value
        ]
    auth.audit(engine, actor, "strength-view", [row.name], is_read=True)
    days = {s.session_date for s in logged}
    for a in files:
        day = local_day(a.started_at, a.utc_offset_s)
        if day not in days and (since is None or day >= since):
            days.add(day)
            logged.append(StrengthSessionView(None, day, (), activity_id=a.id))
    return sorted(logged, key=lambda s: s.session_date)
