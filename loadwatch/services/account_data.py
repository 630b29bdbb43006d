"""A club member's own data (issue #11): `export_data` (a zip of everything stored about the
runner), `delete_account`, and the admin's `audit_entries`.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import admin
from loadwatch.db.admin import DeletedCounts
from loadwatch.db.engine import writer
from loadwatch.db.models import (
    Activity,
    Athlete,
    AuditEntry,
    Coach,
    Injury,
    OriginalFile,
    PainEntry,
    Shoe,
    SquadMember,
    StrengthTest,
    User,
)
from loadwatch.db.strength import sessions as strength_sessions
from loadwatch.errors import InputError
from loadwatch.services._checks import athlete_name
from loadwatch.services.store import stored_name


def export_data(engine: Engine, athlete: str, *, actor: Actor = LOCAL) -> bytes:
    """Everything of one athlete's as a zip: activities.csv, pain.csv, shoes.csv, injuries.csv,
    squads.csv and
    originals/ (every imported file as it was uploaded). Names inside come from the database,
    made safe (`stored_name`), never from a path.

    Raises:
        NotAllowedError: `actor` may not change this athlete (their owner or an admin only: a
            coach reads the squad's data on the dashboard but does not take copies of it).
    """
    buffer = io.BytesIO()
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete_name(athlete), write=True)
        name = row.name
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("activities.csv", _csv(session, Activity, row.id, _ACTIVITY_COLUMNS))
            archive.writestr("pain.csv", _csv(session, PainEntry, row.id, None))
            archive.writestr("shoes.csv", _csv(session, Shoe, row.id, None))
            archive.writestr("injuries.csv", _csv(session, Injury, row.id, None))
            archive.writestr("squads.csv", _squads_csv(session, row.id))
            archive.writestr("strength.csv", _strength_csv(session, row.id))
            archive.writestr("strength_tests.csv", _csv(session, StrengthTest, row.id, None))
            originals = session.scalars(
                select(OriginalFile).where(OriginalFile.athlete_id == row.id)
            )
            for original in originals:
                safe = stored_name(original.filename).replace("/", "_").replace("\\", "_")
                archive.writestr(
                    f"originals/{original.sha256[:12]}-{safe or 'file'}",
                    zlib.decompress(original.content_zlib),
                )
    auth.audit(engine, actor, "export", [name])
    return buffer.getvalue()


_ACTIVITY_COLUMNS = (
    "id",
    "name",
    "sport",
    "sport_source",
    "sub_sport",
    "started_at",
    "utc_offset_s",
    "distance_m",
    "duration_s",
    "moving_s",
    "ascent_m",
    "descent_m",
    "avg_hr_bpm",
    "avg_cadence_spm",
    "device",
    "source_format",
    "source_file",
    "shoe_id",
    "effort_rpe",
)


def _csv(
    session: Session,
    model: type[Activity | PainEntry | Shoe | Injury | StrengthTest],
    athlete_id: int,
    columns: tuple[str, ...] | None,
) -> str:
    names = columns or tuple(c.name for c in model.__table__.columns if c.name != "athlete_id")
    out = io.StringIO()
    writer_ = csv.writer(out)
    writer_.writerow(names)
    rows = session.scalars(select(model).where(model.athlete_id == athlete_id).order_by(model.id))
    for row in rows:
        writer_.writerow(_cell(_exported(n, getattr(row, n))) for n in names)
    return out.getvalue()


def _exported(column: str, value: object) -> object:
    """A file's name without the folder it was imported from: the export tells the runner
    nothing about the server's (or the importing machine's) folders (issue #21)."""
    if column == "source_file" and isinstance(value, str):
        return PureWindowsPath(value).name if "\\" in value else PurePosixPath(value).name
    return value


def _cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # no formula injection when the CSV is opened in a spreadsheet
    return "" if value is None else value


def _strength_csv(session: Session, athlete_id: int) -> str:
    """One row per exercise of each strength session (issue #22)."""
    out = io.StringIO()
    writer_ = csv.writer(out)
    names = ("session_id", "session_date", "exercise", "sets", "reps", "hold_s", "load_kg")
    writer_.writerow((*names, "band", "pain"))
    for stored, items in strength_sessions(session, athlete_id):
        for item in items:
            writer_.writerow(
                _cell(v)
                for v in (
                    stored.id,
                    stored.session_date,
                    item.exercise,
                    item.sets,
                    item.reps,
                    item.hold_s,
                    item.load_kg,
                    item.band,
                    item.pain,
                )
            )
    return out.getvalue()


def _squads_csv(session: Session, athlete_id: int) -> str:
    out = io.StringIO()
    writer_ = csv.writer(out)
    writer_.writerow(["squad", "joined_at"])
    for squad, member in session.execute(
        select(Coach, SquadMember)
        .join(SquadMember, SquadMember.coach_id == Coach.id)
        .where(SquadMember.athlete_id == athlete_id)
    ):
        writer_.writerow([_cell(squad.name), member.joined_at or ""])
    return out.getvalue()


def delete_account(engine: Engine, *, actor: Actor) -> DeletedCounts:
    """A runner deletes their account and all its data (activities, originals, pain, shoes,
    settings, squad memberships); their sessions end. Admins and coaches delete only the
    account (an admin account cannot delete itself while it is the last admin).

    Raises:
        InputError: the local user has no account; the last admin.
    """
    with Session(writer(engine)) as session, session.begin():
        user = auth.account(session, actor)
        if user is None:
            raise InputError("the local user has no account to delete")
        if user.role == Role.ADMIN.value:
            admins = session.scalars(
                select(User).where(User.role == Role.ADMIN.value, User.is_disabled.is_(False))
            ).all()
            if len(admins) <= 1:
                raise InputError("the last admin account cannot be deleted")
        athlete = session.get(Athlete, user.athlete_id) if user.athlete_id else None
        name = athlete.name if athlete else None
        counts = (
            admin.delete_athlete(session, athlete)
            if athlete is not None
            else DeletedCounts(0, 0, 0, 0, 0)
        )
        session.execute(
            update(Coach).where(Coach.coach_user_id == user.id).values(coach_user_id=None)
        )
        session.delete(user)
    auth.audit(engine, LOCAL, "account-delete", [name], actor.name)
    return counts


@dataclass(frozen=True, slots=True)
class AuditView:
    at: datetime
    actor: str
    action: str
    athlete: str | None
    detail: str | None
    source: str | None = None  # the client address of a login event


def audit_entries(
    engine: Engine,
    *,
    athlete: str | None = None,
    actor_name: str | None = None,
    limit: int = 200,
    actor: Actor = LOCAL,
) -> list[AuditView]:
    """The audit trail, newest first (admin only); kept `auth.AUDIT_KEEP_DAYS` days."""
    with Session(engine) as session:
        auth.require_admin(session, actor, "reading the audit trail")
        query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if athlete:
            query = query.where(AuditEntry.athlete == athlete)
        if actor_name:
            query = query.where(AuditEntry.actor == actor_name)
        return [
            AuditView(e.at, e.actor, e.action, e.athlete, e.detail, e.source)
            for e in session.scalars(query.limit(max(1, min(limit, 100_000))))
        ]
