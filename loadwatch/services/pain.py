"""Pain log: pain during and after a run, the next-morning check-in, and listing entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import PainEntry
from loadwatch.domain import PainLocation, Sport
from loadwatch.errors import InputError, NotFoundError
from loadwatch.services._common import _check_not_future, _today
from loadwatch.services.athletes import local_day

PAIN_LOCATIONS = tuple(p.value for p in PainLocation)


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
) -> PainEntryView:
    """Log pain during and after a run (0-10). Default run: the athlete's latest run.

    Raises:
        InputError: a score outside 0-10, an unknown location, a future date, or no score.
        NotFoundError: unknown athlete or run id (or a run of another athlete).
    """
    today = today or _today()
    during, after = _score("during", during), _score("after", after)
    if during is None and after is None:
        raise InputError("give at least one of pain during or pain after (0-10)")
    if location is not None and location not in PAIN_LOCATIONS:
        raise InputError(f"location must be one of {', '.join(PAIN_LOCATIONS)}; got {location!r}")
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_athlete(session, athlete)
        run = (
            repository.get_activity(session, run_id)
            if run_id is not None
            else repository.latest_activity(session, row.id, Sport.RUN)
        )
        if run is not None and run.athlete_id != row.id:
            raise NotFoundError(f"activity {run_id} is not one of {athlete}'s runs")
        if on_date is None:
            on_date = local_day(run.started_at, run.utc_offset_s) if run is not None else today
        _check_not_future(on_date, today, "pain date")
        entry = PainEntry(
            athlete_id=row.id,
            activity_id=run.id if run else None,
            entry_date=on_date,
            during=during,
            after=after,
            morning=None,
            location=location,
            note=(note or None),
            created_at=repository.now_utc(),
        )
        session.add(entry)
        session.flush()
        return _pain_view(entry)


def log_morning_pain(
    engine: Engine, athlete: str, score: int, on_date: date | None = None, today: date | None = None
) -> PainEntryView:
    """Log the next-morning check-in (0-10) for `on_date` (default today); replaces that day's.

    Raises:
        InputError: a score outside 0-10 or a future date. NotFoundError: unknown athlete.
    """
    today = today or _today()
    morning = _score("morning", score)
    on_date = on_date or today
    _check_not_future(on_date, today, "morning date")
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_athlete(session, athlete)
        existing = [
            e
            for e in repository.pain_entries(session, row.id, on_date)
            if e.entry_date == on_date and e.morning is not None
        ]
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
        return _pain_view(entry)


def list_pain(engine: Engine, athlete: str) -> list[PainEntryView]:
    with Session(engine) as session:
        row = repository.get_athlete(session, athlete)
        return [_pain_view(e) for e in repository.pain_entries(session, row.id)]


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


def _pain_view(entry: PainEntry) -> PainEntryView:
    return PainEntryView(
        entry.id,
        entry.entry_date,
        entry.during,
        entry.after,
        entry.morning,
        entry.location,
        entry.note,
        entry.activity_id,
    )
