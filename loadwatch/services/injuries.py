"""Injury periods (issue #14): add, end, delete and list them, one from a red pain day in one tap
(`injury_from_pain`), and where the return to running stands (`injury_status`). What came
before an injury and the runner's own pattern: services/lead_up.py.

Every function checks the acting user (`actor`) inside its session (club mode, issue #11):
changes need write access to the athlete, reads read access.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.injuries import injury_rows
from loadwatch.db.models import Athlete, Injury, PainEntry
from loadwatch.domain import InjurySide
from loadwatch.errors import InputError, NotFoundError
from loadwatch.rules.context import RuleContext
from loadwatch.rules.injury import (
    InjuryState,
    days_without_running,
    injury_state,
)
from loadwatch.services._checks import (
    NOTE_MAX_LENGTH,
    athlete_name,
    check_day,
    check_id,
    id_in_range,
    optional_text,
)
from loadwatch.services._common import today as local_today
from loadwatch.services.athletes import athlete_context
from loadwatch.services.pain import pain_location

INJURY_SIDES = tuple(s.value for s in InjurySide)


_LIST_HINT = "; `loadwatch injuries list` shows them"


@dataclass(frozen=True, slots=True)
class InjuryView:
    """One injury period as the views show it (the `loadwatch injuries list --json` contract).

    `days`: days so far while ongoing (its first day counted as 1), else the period's length;
    `days_without_running`: of those days, the ones with no run recorded.
    """

    id: int
    start_date: date
    end_date: date | None
    location: str
    side: str | None
    note: str | None
    is_ongoing: bool
    days: int
    days_without_running: int
    pain_entry_id: int | None = None
    is_existing: bool = False  # injury_from_pain found the period already made from the entry

    @property
    def site(self) -> str:
        return f"{self.side} {self.location}" if self.side else self.location


def _side(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    side = value.strip().lower()
    if side not in INJURY_SIDES:
        raise InputError(f"injury side must be left or right, got {value!r}")
    return side


def _note(value: str | None) -> str | None:
    return optional_text(value, "injury note", NOTE_MAX_LENGTH, multiline=True)


def _location(value: str | None) -> str:
    location = pain_location(value)
    if location is None:
        raise InputError("give the injury's location (knee front, shin, achilles, ...)")
    return location


def _check_end(start: date, end: date | None, today: date) -> None:
    if end is None:
        return
    check_day(end, today, "injury end date")
    if end <= start:
        raise InputError(
            f"injury end date {end.isoformat()} must be after its start {start.isoformat()}; "
            "the end is your first day back"
        )


def _overlapping(
    session: Session,
    athlete_id: int,
    start: date,
    end: date | None,
    location: str,
    side: str | None,
) -> Injury | None:
    """A period at the same site that overlaps [start, end)."""
    for row in injury_rows(session, athlete_id):
        if row.location != location or row.side != side:
            continue
        if (row.end_date is None or start < row.end_date) and (end is None or row.start_date < end):
            return row
    return None


def _view(row: Injury, ctx: RuleContext) -> InjuryView:
    if row.end_date is None or row.end_date > ctx.as_of:
        is_ongoing, first, last = True, row.start_date, ctx.as_of
    else:
        is_ongoing, first, last = False, row.start_date, row.end_date - timedelta(days=1)
    days = max((last - first).days + 1, 0)
    return InjuryView(
        row.id,
        row.start_date,
        row.end_date,
        row.location,
        row.side,
        row.note,
        is_ongoing,
        days,
        days_without_running(ctx, first, last) if days else 0,
        row.pain_entry_id,
    )


def injury_context(session: Session, athlete: Athlete, as_of: date) -> RuleContext:
    """The rule context of `athlete` on `as_of`, with their injury periods."""
    return athlete_context(session, athlete, as_of)


def own_injury(session: Session, athlete: Athlete, injury_id: int) -> Injury:
    check_id(injury_id, "injury", _LIST_HINT)
    row = session.get(Injury, injury_id) if id_in_range(injury_id) else None
    if row is None or row.athlete_id != athlete.id:
        raise NotFoundError(f"{athlete.name} has no injury {injury_id}{_LIST_HINT}")
    return row


def add_injury(
    engine: Engine,
    athlete: str,
    *,
    start: date,
    location: str | None,
    end: date | None = None,
    side: str | None = None,
    note: str | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> InjuryView:
    """Record an injury period from `start` (local day) to `end`, the first day back (None:
    ongoing), at `location` (a pain location, as written or as a slug; None is refused).

    Raises:
        InputError: an unknown location or side, a date in the future or before 1990, an end
            not after the start, a bad note, or a period overlapping one at the same site.
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not change its data.
    """
    today = today or local_today()
    athlete = athlete_name(athlete)
    where, which, text = _location(location), _side(side), _note(note)
    check_day(start, today, "injury start date")
    _check_end(start, end, today)
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        name = row.name
        injury = _insert(session, row, start, end, where, which, text, None)
        view = _view(injury, injury_context(session, row, today))
    auth.audit(engine, actor, "injury-add", [name])
    return view


def _insert(
    session: Session,
    athlete: Athlete,
    start: date,
    end: date | None,
    location: str,
    side: str | None,
    note: str | None,
    pain_entry_id: int | None,
) -> Injury:
    clash = _overlapping(session, athlete.id, start, end, location, side)
    if clash is not None:
        site = f"{side} {location}" if side else location
        raise InputError(
            f"injury {clash.id} at the {site} ({clash.start_date.isoformat()} to "
            f"{clash.end_date.isoformat() if clash.end_date else 'now'}) overlaps this period; "
            "end or change that one instead"
        )
    injury = Injury(
        athlete_id=athlete.id,
        start_date=start,
        end_date=end,
        location=location,
        side=side,
        note=note,
        pain_entry_id=pain_entry_id,
        created_at=repository.now_utc(),
    )
    session.add(injury)
    session.flush()
    return injury


def end_injury(
    engine: Engine,
    athlete: str,
    injury_id: int,
    *,
    end: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> InjuryView:
    """End an injury period on `end` (default today), your first day back: the return ladder
    starts from that day. Ending an ended period again moves its end.

    Raises:
        InputError: an end in the future, before 1990, or not after the start.
        NotFoundError: unknown athlete or injury (or another athlete's).
        NotAllowedError: `actor` may not change the athlete's data.
    """
    today = today or local_today()
    athlete = athlete_name(athlete)
    end = end or today
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        name = row.name
        injury = own_injury(session, row, injury_id)
        _check_end(injury.start_date, end, today)
        injury.end_date = end
        session.flush()
        view = _view(injury, injury_context(session, row, today))
    auth.audit(engine, actor, "injury-end", [name])
    return view


def delete_injury(engine: Engine, athlete: str, injury_id: int, *, actor: Actor = LOCAL) -> None:
    """Delete an injury period (the runs and pain entries stay).

    Raises:
        NotFoundError: unknown athlete or injury (or another athlete's).
        NotAllowedError: `actor` may not change the athlete's data.
    """
    athlete = athlete_name(athlete)
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        name = row.name
        session.delete(own_injury(session, row, injury_id))
    auth.audit(engine, actor, "injury-delete", [name])


def list_injuries(
    engine: Engine, athlete: str, *, today: date | None = None, actor: Actor = LOCAL
) -> list[InjuryView]:
    """The athlete's injury periods, oldest first, with their days (so far) without running.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read its data.
    """
    today = today or local_today()
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        name = row.name
        ctx = injury_context(session, row, today)
        views = [_view(r, ctx) for r in injury_rows(session, row.id)]
    auth.audit(engine, actor, "injury-list", [name], is_read=True)
    return views


def injury_from_pain(
    engine: Engine,
    athlete: str,
    pain_entry_id: int,
    *,
    side: str | None = None,
    note: str | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> InjuryView:
    """Turn a post-run pain entry (a red pain day) into an ongoing injury period from its day,
    at its location ("other" when it names none). Doing it twice returns the same period.

    Raises:
        NotFoundError: unknown athlete or pain entry (or another athlete's).
        InputError: a morning-only entry, a bad side or note, or an open period at that site.
        NotAllowedError: `actor` may not change the athlete's data.
    """
    today = today or local_today()
    athlete = athlete_name(athlete)
    which, text = _side(side), _note(note)
    check_id(pain_entry_id, "pain entry", "; `loadwatch pain list` shows them")
    with Session(writer(engine)) as session, session.begin():
        row = auth.athlete_for(session, actor, athlete, write=True)
        name = row.name
        entry = session.get(PainEntry, pain_entry_id)
        if entry is None or entry.athlete_id != row.id:
            raise NotFoundError(
                f"{name} has no pain entry {pain_entry_id}; `loadwatch pain list` shows them"
            )
        if entry.during is None and entry.after is None:
            raise InputError(
                f"pain entry {pain_entry_id} is a morning check-in; turn the post-run entry "
                "into an injury"
            )
        existing = session.scalar(select(Injury).where(Injury.pain_entry_id == entry.id))
        if existing is not None:
            return replace(_view(existing, injury_context(session, row, today)), is_existing=True)
        injury = _insert(
            session, row, entry.entry_date, None, entry.location or "other", which, text, entry.id
        )
        view = _view(injury, injury_context(session, row, today))
    auth.audit(engine, actor, "injury-add", [name], detail=f"from pain entry {pain_entry_id}")
    return view


def injury_status(
    engine: Engine,
    athlete: str,
    *,
    as_of: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> InjuryState:
    """The ongoing period on `as_of` (default today) with its days so far, else the return
    ladder after the latest period (its steps, the current one, each run back and its outcome).

    Raises:
        NotFoundError: unknown athlete. InputError: `as_of` in the future or before 1990.
        NotAllowedError: `actor` may not read its data.
    """
    today = today or local_today()
    as_of = as_of or today
    check_day(as_of, today, "as-of date")
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        name = row.name
        ctx = injury_context(session, row, as_of)
    auth.audit(engine, actor, "injury-status", [name], is_read=True)
    return injury_state(ctx)
