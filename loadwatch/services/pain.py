"""Pain log: pain during and after a run, the next-morning check-in, listing, edits, deletes.

One post-run entry per run (per day when it names no run) and one morning entry per day:
saving again updates the entry, so the same pain saved twice is never counted twice (issue #9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Activity, PainEntry
from loadwatch.domain import PAIN_LOCATIONS, Sport
from loadwatch.errors import InputError, NotFoundError
from loadwatch.services._checks import (
    LOCATION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    athlete_name,
    check_day,
    check_id,
    clean_text,
    id_in_range,
    optional_text,
)
from loadwatch.services._common import today as local_today
from loadwatch.services._localtime import local_day


def pain_location(value: str | None) -> str | None:
    """A location as written ("knee front") or as a slug ("knee-front"), or None.

    Raises:
        InputError: anything else, with the list of locations.
    """
    if value is None:
        return None
    text = clean_text(value, "pain location", LOCATION_MAX_LENGTH)
    text = text.lower().replace("-", " ").replace("_", " ")
    if text not in PAIN_LOCATIONS:
        raise InputError(f"pain location must be one of {', '.join(PAIN_LOCATIONS)}; got {value!r}")
    return text


def _pain_run(
    session: Session, athlete_id: int, athlete: str, run_id: int | None, on_date: date | None
) -> Activity | None:
    """The run pain is logged for: `run_id`; else that day's run; else the latest run."""
    if run_id is not None:
        run: Activity | None = repository.get_activity(session, run_id)
    elif on_date is not None:
        run = _run_on(session, athlete_id, on_date)
    else:
        run = repository.latest_activity(session, athlete_id, Sport.RUN)
    if run is not None and run.athlete_id != athlete_id:
        raise NotFoundError(f"activity {run_id} is not one of {athlete}'s runs")
    return run


def _run_on(session: Session, athlete_id: int, day: date) -> Activity | None:
    """The athlete's longest run whose local day is `day` (None when none)."""
    runs = [
        a
        for a in repository.activities_between(
            session, athlete_id, day - timedelta(days=1), day + timedelta(days=2)
        )
        if a.sport == Sport.RUN.value and local_day(a.started_at, a.utc_offset_s) == day
    ]
    return max(runs, key=lambda a: a.distance_m, default=None)


def _score(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InputError(f"{name} pain must be an integer 0-10, got {value!r}")
    return value


def log_pain(
    engine: Engine,
    athlete: str,
    *,
    during: int | None,
    after: int | None,
    location: str | None = None,
    note: str | None = None,
    run_id: int | None = None,
    on_date: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> PainEntryView:
    """Log pain during and after a run (0-10); saving again for the same run updates it.

    The run: `run_id`; else that day's run when `on_date` is given; else the latest run.

    Raises:
        InputError: a score outside 0-10, an unknown location, a note over 2,000 characters
            (or with control characters other than line breaks), a date in the future or
            before 1990, or no score.
        NotFoundError: unknown athlete or run id (or a run of another athlete).
    """
    today = today or local_today()
    athlete = athlete_name(athlete)
    during, after = _score("during", during), _score("after", after)
    if during is None and after is None:
        raise InputError("give at least one of pain during or pain after (0-10)")
    location = pain_location(location)
    note = _note(note)
    if run_id is not None:
        check_id(run_id, "activity", "; `loadwatch activities` lists them")
    if on_date is not None:
        check_day(on_date, today, "pain date")
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        auth.record(session, actor, "pain-log", row.name)
        run = _pain_run(session, row.id, athlete, run_id, on_date)
        if on_date is None:
            on_date = local_day(run.started_at, run.utc_offset_s) if run is not None else today
        check_day(on_date, today, "pain date")
        entry = _post_run_entry(session, row.id, run.id if run else None, on_date)
        is_update = entry is not None
        if entry is None:
            entry = PainEntry(
                athlete_id=row.id,
                activity_id=run.id if run else None,
                entry_date=on_date,
                morning=None,
                created_at=repository.now_utc(),
            )
            session.add(entry)
        entry.during, entry.after = during, after
        entry.location, entry.note = location, note
        session.flush()
        return pain_view(entry, is_update=is_update)


def _note(value: str | None) -> str | None:
    """A pain note: line breaks allowed, at most NOTE_MAX_LENGTH (2,000) characters; blank is
    no note. The column is unbounded `Text`; the bound keeps a pasted log out of it."""
    return optional_text(value, "pain note", NOTE_MAX_LENGTH, multiline=True)


def _post_run_entry(
    session: Session, athlete_id: int, activity_id: int | None, day: date
) -> PainEntry | None:
    """The post-run entry already saved for this run (or this day, without a run)."""
    for entry in reversed(repository.pain_entries(session, athlete_id, day)):
        if entry.during is None and entry.after is None:
            continue
        if activity_id is not None and entry.activity_id == activity_id:
            return entry
        if activity_id is None and entry.activity_id is None and entry.entry_date == day:
            return entry
    return None


def edit_pain(
    engine: Engine,
    athlete: str,
    entry_id: int,
    *,
    during: int | None = None,
    after: int | None = None,
    morning: int | None = None,
    location: str | None = None,
    note: str | None = None,
    actor: Actor = LOCAL,
) -> PainEntryView:
    """Change the given fields of one of `athlete`'s pain entries (None leaves a field as is).

    A blank `note` ("") clears the note.

    Raises:
        NotFoundError: unknown athlete or entry (or an entry of another athlete).
        InputError: a score outside 0-10, an unknown location or a bad note (see `log_pain`).
    """
    athlete = athlete_name(athlete)
    during, after = _score("during", during), _score("after", after)
    morning, location = _score("morning", morning), pain_location(location)
    cleaned_note = _note(note)
    with Session(writer(engine)) as session, session.begin():
        entry = _own_entry(session, actor, athlete, entry_id)
        auth.record(session, actor, "pain-edit", athlete, str(entry_id))
        for name, value in (
            ("during", during),
            ("after", after),
            ("morning", morning),
            ("location", location),
        ):
            if value is not None:
                setattr(entry, name, value)
        if note is not None:
            entry.note = cleaned_note
        session.flush()
        return pain_view(entry, is_update=True)


def delete_pain(engine: Engine, athlete: str, entry_id: int, *, actor: Actor = LOCAL) -> None:
    """Delete one of `athlete`'s pain entries.

    Raises:
        NotFoundError: unknown athlete or entry (or an entry of another athlete).
    """
    athlete = athlete_name(athlete)
    with Session(writer(engine)) as session, session.begin():
        session.delete(_own_entry(session, actor, athlete, entry_id))
        auth.record(session, actor, "pain-delete", athlete, str(entry_id))


def _own_entry(session: Session, actor: Actor, athlete: str, entry_id: int) -> PainEntry:
    row = auth.athlete_for(session, actor, athlete, write=True)
    entry = session.get(PainEntry, entry_id) if id_in_range(entry_id) else None
    if entry is None or entry.athlete_id != row.id:
        raise NotFoundError(
            f"{athlete} has no pain entry {entry_id}; `loadwatch pain list` shows them"
        )
    return entry


def log_morning_pain(
    engine: Engine,
    athlete: str,
    score: int,
    on_date: date | None = None,
    today: date | None = None,
    *,
    actor: Actor = LOCAL,
) -> PainEntryView:
    """Log the next-morning check-in (0-10) for `on_date` (default today); replaces that day's.

    Raises:
        InputError: a score outside 0-10, or a date in the future or before 1990.
        NotFoundError: unknown athlete.
    """
    today = today or local_today()
    athlete = athlete_name(athlete)
    morning = _score("morning", score)
    on_date = on_date or today
    check_day(on_date, today, "morning date")
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        auth.record(session, actor, "pain-morning", row.name)
        existing = [
            e
            for e in repository.pain_entries(session, row.id, on_date)
            if e.entry_date == on_date and e.morning is not None
        ]
        is_update = bool(existing)
        if existing:
            entry = existing[-1]
            entry.morning = morning
        else:
            entry = PainEntry(
                athlete_id=row.id,
                activity_id=None,
                entry_date=on_date,
                during=None,
                after=None,
                morning=morning,
                location=None,
                note=None,
                created_at=repository.now_utc(),
            )
            session.add(entry)
        session.flush()
        return pain_view(entry, is_update=is_update)


def list_pain(engine: Engine, athlete: str, *, actor: Actor = LOCAL) -> list[PainEntryView]:
    """The athlete's pain entries, oldest first.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read them.
    """
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        entries = [pain_view(e) for e in repository.pain_entries(session, row.id)]
    auth.audit(engine, actor, "pain-view", [row.name], is_read=True)
    return entries


@dataclass(frozen=True, slots=True)
class PainEntryView:
    id: int
    entry_date: date
    during: int | None
    after: int | None
    morning: int | None
    location: str | None
    note: str | None
    activity_id: int | None
    is_update: bool = False  # saving again changed an entry already there


def pain_view(entry: PainEntry, is_update: bool = False) -> PainEntryView:
    return PainEntryView(
        entry.id,
        entry.entry_date,
        entry.during,
        entry.after,
        entry.morning,
        entry.location,
        entry.note,
        entry.activity_id,
        is_update,
    )
