"""The coach's triage of a squad (issue #12): each row's status and "why" (`squad_triage`), with
the coach's notes in force and what is new since the last visit (`record_squad_visit`). The
notes and the coach's units: services/coach_notes.py.

Notes and visits belong to the coach: in club mode the logged-in coach account, in personal
mode the squad (the `coaches` row, whose name is the squad's name). A coach writes only these,
never a runner's data; reading the rows goes through `squad_overview`'s access check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import CoachVisit
from loadwatch.domain import SEVERITY_RANK, Alert, Severity
from loadwatch.services._checks import coach_name
from loadwatch.services._common import today as local_today
from loadwatch.services.coach_notes import (
    ACKNOWLEDGED,
    SNOOZED,
    FlagNote,
    LastVisit,
    checked_units,
    coach_owner,
    last_visit_of,
    note_flag,
    notes_for,
    owned_by,
    set_squad_units,
)
from loadwatch.services.squads import SquadRow, squad_overview
from loadwatch.units import DistanceUnit

_QUIET_RULES = frozenset({"acwr"})  # shown, never counted in a row's status (as `risk` does)


_SECOND_PERSON = (
    (re.compile(r"\bYou run\b"), "{name} runs"),
    (re.compile(r"\b[Yy]ou are\b"), "{name} is"),
    (re.compile(r"\b[Yy]ou have\b"), "{name} has"),
    (re.compile(r"\b[Yy]our\b"), "{name}'s"),
    (re.compile(r"\b[Yy]ou\b"), "{name}"),
)


def coach_wording(message: str, athlete: str) -> str:
    """An alert written to the runner ("Pain 3/10 with your run ...") as a coach reads it
    ("... with Ana's run ..."): the squad speaks about the runner, not to them (issue #24)."""
    for pattern, replacement in _SECOND_PERSON:
        # Split and join, not a replacement string: a name may hold a backslash.
        message = replacement.format(name=athlete).join(pattern.split(message))
    return message


@dataclass(frozen=True, slots=True)
class TriageRow:
    """One athlete's row: the squad row plus what the coach has done about its flags.

    `status` is the most severe open flag ("warning", "caution") or "ok"; snoozed flags do not
    count. `why` is the top open alert's message (one plain sentence with its numbers).
    """

    row: SquadRow
    status: str
    why: str
    why_rule_id: str | None
    open_flags: tuple[Alert, ...]  # warning/caution flags not snoozed, most severe first
    snoozed: tuple[FlagNote, ...]  # snoozes in force
    acknowledged: tuple[FlagNote, ...]  # acknowledgements in force
    notes: tuple[FlagNote, ...]  # every note on this athlete, newest first
    new_flags: tuple[str, ...]  # rule ids flagged now and not at the last visit


@dataclass(frozen=True, slots=True)
class Triage:
    squad: str | None
    as_of: date
    units: DistanceUnit
    rows: list[TriageRow]
    last_visit: LastVisit
    can_note: bool  # False without a squad in personal mode: notes are kept per squad


def _severity(alert: Alert) -> int:
    return SEVERITY_RANK[alert.severity]


def _in_force(note: FlagNote, alert: Alert, as_of: date) -> bool:
    """A note quiets its flag from the day it was written until it expires, unless the flag is
    now more severe than when noted."""
    if SEVERITY_RANK[Severity(note.severity)] < _severity(alert):
        return False
    return note.noted_on <= as_of <= note.quiet_until


def _triage_row(row: SquadRow, notes: list[FlagNote], as_of: date, last: LastVisit) -> TriageRow:
    alerts = sorted(
        (a for a in row.alerts), key=lambda a: -_severity(a)
    )  # stable: keeps the rules' order among equals
    flagged = [a for a in alerts if a.severity is not Severity.INFO]
    latest: dict[str, FlagNote] = {}
    for note in notes:  # newest first
        latest.setdefault(note.rule_id, note)
    snoozed: list[FlagNote] = []
    acknowledged: list[FlagNote] = []
    open_flags: list[Alert] = []
    for alert in flagged:
        noted = latest.get(alert.rule_id)
        if noted is not None and _in_force(noted, alert, as_of):
            (snoozed if noted.action == SNOOZED else acknowledged).append(noted)
            if noted.action == SNOOZED:
                continue
        open_flags.append(alert)
    counted = [a for a in open_flags if a.rule_id not in _QUIET_RULES]
    status = counted[0].severity.value if counted else "ok"
    if row.pain_zone == "red" and not any(n.rule_id.startswith("pain") for n in snoozed):
        status = Severity.WARNING.value
    top = open_flags[0] if open_flags else (alerts[0] if alerts else None)
    if top is not None:
        why = coach_wording(top.message, row.athlete)
    elif row.last_run_date is None:
        why = "No runs in the last 120 days."
    else:
        why = "Nothing flagged."
    rules_now = list(dict.fromkeys(a.rule_id for a in flagged))
    new = (
        tuple(r for r in rules_now if (row.athlete, r) not in last.seen)
        if last.at is not None
        else ()
    )
    return TriageRow(
        row=row,
        status=status,
        why=why,
        why_rule_id=top.rule_id if top else None,
        open_flags=tuple(open_flags),
        snoozed=tuple(dict.fromkeys(snoozed)),
        acknowledged=tuple(dict.fromkeys(acknowledged)),
        notes=tuple(notes),
        new_flags=new,
    )


_STATUS_ORDER = {"warning": 0, "caution": 1, "ok": 2}


def squad_triage(
    engine: Engine,
    squad: str | None,
    *,
    as_of: date | None = None,
    today: date | None = None,
    units: DistanceUnit | str | None = None,
    last_visit: LastVisit | None = None,
    actor: Actor = LOCAL,
) -> Triage:
    """The coach's squad table as of a local day: riskiest first, each row with its status,
    its "why", the coach's notes in force and the flags new since the last visit.

    Args:
        squad: the squad's name; None for every athlete `actor` may read (no notes then in
            personal mode).
        units: the units for distances and messages; None for the coach's saved choice (km
            when none).
        last_visit: the visit to compare with; None reads the stored one (a page passes the
            one it read at the start of its session, so reruns keep the same "new" marks).

    Raises:
        NotFoundError: no such squad. InputError: a bad date or unit.
        NotAllowedError: a disabled account.
    """
    today = today or local_today()
    as_of = as_of or today
    squad = coach_name(squad) if squad else None
    with Session(engine) as session:
        owner = coach_owner(session, actor, squad)
        visit = (
            session.scalar(select(CoachVisit).where(owned_by(CoachVisit, owner))) if owner else None
        )
        chosen = checked_units(units) or (
            DistanceUnit(visit.units) if visit and visit.units else DistanceUnit.KM
        )
        if last_visit is None:
            last_visit = last_visit_of(session, visit)
    rows = squad_overview(engine, as_of, today=today, coach=squad, actor=actor, units=chosen)
    notes = notes_for(engine, owner, [r.athlete for r in rows]) if owner else {}
    triaged = [_triage_row(r, notes.get(r.athlete, []), as_of, last_visit) for r in rows]
    triaged.sort(key=lambda t: (_STATUS_ORDER[t.status], -t.row.risk, t.row.athlete))
    return Triage(squad, as_of, chosen, triaged, last_visit, owner is not None)


def record_squad_visit(
    engine: Engine,
    triage: Triage,
    *,
    units: DistanceUnit | str | None = None,
    actor: Actor = LOCAL,
) -> None:
    """Remember this look at the squad: now, the flags shown (so the next visit can mark what
    is new) and the units (`units`, else the triage's). Flags of athletes not in this view are
    kept as they were. Does nothing when the view has no coach to keep it for.
    """
    chosen = checked_units(units) or triage.units
    with Session(writer(engine)) as session, session.begin():
        owner = coach_owner(session, actor, triage.squad)
        if owner is None:
            return
        ids = {a.name: a.id for a in repository.athletes(session)}
        shown = {ids[t.row.athlete] for t in triage.rows if t.row.athlete in ids}
        visit = session.scalar(select(CoachVisit).where(owned_by(CoachVisit, owner)))
        if visit is None:
            visit = CoachVisit(**owner, seen_flags_json="[]")
            session.add(visit)
        kept = [
            item
            for item in json.loads(visit.seen_flags_json or "[]")
            if not str(item).partition(":")[0].isdigit()
            or int(str(item).partition(":")[0]) not in shown
        ]
        now = [
            f"{ids[t.row.athlete]}:{a.rule_id}"
            for t in triage.rows
            if t.row.athlete in ids
            for a in t.row.alerts
            if a.severity is not Severity.INFO
        ]
        visit.seen_flags_json = json.dumps(sorted(set(kept) | set(now)))
        visit.visited_at = repository.now_utc()
        visit.units = chosen.value


__all__ = [
    "ACKNOWLEDGED",
    "SNOOZED",
    "FlagNote",
    "LastVisit",
    "Triage",
    "TriageRow",
    "note_flag",
    "record_squad_visit",
    "set_squad_units",
    "squad_triage",
]
