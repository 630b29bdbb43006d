"""What a coach keeps on a squad (issue #12): notes, acknowledgements and snoozes on flags
(`note_flag`), the last visit as stored and the coach's units (`set_squad_units`). They belong
to the coach: in club mode the logged-in coach account, in personal mode the squad (the
`coaches` row); a coach writes only these, never a runner's data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import CoachNote, CoachVisit
from loadwatch.domain import Severity
from loadwatch.errors import InputError, NotAllowedError
from loadwatch.rules import RULE_IDS
from loadwatch.services._checks import NOTE_MAX_LENGTH, athlete_name, coach_name, optional_text
from loadwatch.services._common import today as local_today
from loadwatch.units import DistanceUnit

ACKNOWLEDGED = "acknowledged"


SNOOZED = "snoozed"


ACKNOWLEDGE_DAYS = 7  # an acknowledgement covers a week (the rules' horizon), then asks again


MAX_SNOOZE_DAYS = 28


@dataclass(frozen=True, slots=True)
class FlagNote:
    """A coach's note on one athlete's flag: acknowledged, or snoozed until a local day."""

    athlete: str
    rule_id: str
    action: str  # ACKNOWLEDGED | SNOOZED
    severity: str  # the flag's severity when noted: a worse one is open again
    noted_on: date  # the coach's local day
    quiet_until: date  # the last local day the note covers
    note: str | None
    author: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LastVisit:
    """The coach's previous look at the squad: when (None: never) and the flags seen then, as
    (athlete, rule id) pairs."""

    at: datetime | None
    seen: frozenset[tuple[str, str]]


def coach_owner(session: Session, actor: Actor, squad: str | None) -> dict[str, int] | None:
    """The key notes and visits are kept under: the coach account, or (LOCAL) the squad."""
    user = auth.account(session, actor)
    if user is not None:
        if actor.role == Role.RUNNER:
            return None
        return {"user_id": user.id}
    if squad is None:
        return None
    return {"squad_id": repository.get_coach(session, squad).id}


def owned_by(
    model: type[CoachNote] | type[CoachVisit], owner: dict[str, int]
) -> ColumnElement[bool]:
    if "user_id" in owner:
        return model.user_id == owner["user_id"]
    return model.squad_id == owner["squad_id"]


def note_view(note: CoachNote, athlete: str) -> FlagNote:
    return FlagNote(
        athlete=athlete,
        rule_id=note.rule_id,
        action=note.action,
        severity=note.severity,
        noted_on=note.noted_on,
        quiet_until=note.quiet_until,
        note=note.note,
        author=note.author,
        created_at=note.created_at,
    )


def checked_units(value: DistanceUnit | str | None) -> DistanceUnit | None:
    if value is None:
        return None
    try:
        return DistanceUnit(value)
    except ValueError:
        raise InputError(f"units must be 'km' or 'mi', got {value!r}") from None


def last_visit_of(session: Session, visit: CoachVisit | None) -> LastVisit:
    if visit is None:
        return LastVisit(None, frozenset())
    names = {a.id: a.name for a in repository.athletes(session)}
    seen = set()
    for item in json.loads(visit.seen_flags_json or "[]"):
        athlete_id, _, rule_id = str(item).partition(":")
        if athlete_id.isdigit() and int(athlete_id) in names:
            seen.add((names[int(athlete_id)], rule_id))
    return LastVisit(visit.visited_at, frozenset(seen))


def notes_for(
    engine: Engine, owner: dict[str, int], athletes: list[str]
) -> dict[str, list[FlagNote]]:
    with Session(engine) as session:
        ids = {a.id: a.name for a in repository.athletes(session) if a.name in set(athletes)}
        found: dict[str, list[FlagNote]] = {}
        query = (
            select(CoachNote)
            .where(owned_by(CoachNote, owner), CoachNote.athlete_id.in_(ids))
            .order_by(CoachNote.created_at.desc(), CoachNote.id.desc())
        )
        for note in session.scalars(query):
            name = ids[note.athlete_id]
            found.setdefault(name, []).append(note_view(note, name))
        return found


def set_squad_units(
    engine: Engine, squad: str | None, units: DistanceUnit | str, *, actor: Actor = LOCAL
) -> DistanceUnit:
    """Save the coach's units for the squad page (km or mi); returns them.

    Raises:
        InputError: not km or mi. NotFoundError: no such squad.
    """
    chosen = checked_units(units) or DistanceUnit.KM
    squad = coach_name(squad) if squad else None
    with Session(writer(engine)) as session, session.begin():
        owner = coach_owner(session, actor, squad)
        if owner is None:
            return chosen
        visit = session.scalar(select(CoachVisit).where(owned_by(CoachVisit, owner)))
        if visit is None:
            session.add(
                CoachVisit(
                    **owner, visited_at=repository.now_utc(), seen_flags_json="[]", units=chosen
                )
            )
        else:
            visit.units = chosen.value
    return chosen


def note_flag(
    engine: Engine,
    squad: str | None,
    athlete: str,
    rule_id: str,
    *,
    severity: Severity | str,
    note: str | None = None,
    snooze_days: int | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> FlagNote:
    """Acknowledge an athlete's flag, or snooze it for `snooze_days`, with an optional note
    ("spoke to Dev, easy week"). The note is the coach's own and is kept; the newest note on a
    flag is the one in force. A snooze covers today and the next `snooze_days` days, an
    acknowledgement today and the next `ACKNOWLEDGE_DAYS`; either ends early
    when the flag becomes more severe than `severity` (its severity now).

    Raises:
        InputError: an unknown rule or severity, a snooze outside 1-28 days, a bad note.
        NotAllowedError: a runner account, or an athlete the coach may not read.
        NotFoundError: no such squad or athlete, or (personal mode) an athlete not in it.
    """
    today = today or local_today()
    if rule_id not in RULE_IDS:
        raise InputError(f"unknown rule {rule_id!r}; known rules: {', '.join(RULE_IDS)}")
    try:
        level = Severity(severity)
    except ValueError:
        raise InputError(f"unknown severity {severity!r}") from None
    if snooze_days is not None and not 1 <= snooze_days <= MAX_SNOOZE_DAYS:
        raise InputError(f"snooze for 1-{MAX_SNOOZE_DAYS} days, got {snooze_days!r}")
    text = optional_text(note, "note", NOTE_MAX_LENGTH, multiline=True)
    athlete = athlete_name(athlete)
    squad = coach_name(squad) if squad else None
    with Session(writer(engine)) as session, session.begin():
        owner = coach_owner(session, actor, squad)
        if owner is None:
            raise NotAllowedError(
                "not allowed: notes on flags belong to a coach and a squad; choose a squad"
                if actor.is_local
                else f"not allowed: {actor.name} is not a coach"
            )
        row = auth.athlete_for(session, actor, athlete)
        if "squad_id" in owner and row.id not in repository.squad_athlete_ids(
            session, owner["squad_id"]
        ):
            raise InputError(f"{row.name!r} is not in the squad {squad!r}")
        stored = CoachNote(
            **owner,
            athlete_id=row.id,
            rule_id=rule_id,
            action=SNOOZED if snooze_days else ACKNOWLEDGED,
            severity=level.value,
            noted_on=today,
            quiet_until=today + timedelta(days=snooze_days or ACKNOWLEDGE_DAYS),
            note=text,
            author=note_author(session, actor, squad),
            created_at=repository.now_utc(),
        )
        session.add(stored)
        session.flush()
        view = note_view(stored, row.name)
    auth.audit(engine, actor, "coach-note", [view.athlete], f"{view.action} {rule_id}")
    return view


def note_author(session: Session, actor: Actor, squad: str | None) -> str:
    if not actor.is_local:
        return actor.name
    return squad or "local"
