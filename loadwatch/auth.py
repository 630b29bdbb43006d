"""Who may read or change whose data: the acting user, roles and the one access policy.

Every public service function takes the acting user (`actor`) and checks it here, so the CLI,
the dashboard and any future API obey the same rules (issue #11). `LOCAL` is the personal-mode
user and the operator at the server's shell (who holds the database file anyway): it may do
everything. A club account acts as what its role allows:

- runner: reads and changes its own athlete (the athlete of the same name) and nothing else;
- coach: reads, never changes, the athletes in the squads it coaches while they stay members;
- admin: reads and changes everything, and manages accounts (every read of another athlete's
  data is in the audit trail).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from loadwatch.db import admin, repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Activity, Athlete, AuditEntry, Coach, SquadMember, User
from loadwatch.errors import NotAllowedError


class Role(StrEnum):
    RUNNER = "runner"
    COACH = "coach"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Actor:
    """The user a service call acts for: `LOCAL`, or a club account (re-checked on each call,
    so a disabled account stops at once)."""

    name: str
    role: Role | None = None  # None: the local user (personal mode, the server's shell)
    user_id: int | None = None

    @property
    def is_local(self) -> bool:
        return self.role is None


LOCAL = Actor("local")

AUDIT_KEEP_DAYS = 400  # a season and a bit; older entries are pruned when new ones are written
_READ_DEDUP = timedelta(minutes=10)  # one audit line per reader, athlete and action per 10 min


def _not_allowed(actor: Actor, what: str = "this athlete's data") -> NotAllowedError:
    return NotAllowedError(f"not allowed: {actor.name} may not see or change {what}")


def account(session: Session, actor: Actor) -> User | None:
    """The actor's account row (None for LOCAL).

    Raises:
        NotAllowedError: the account no longer exists or is disabled.
    """
    if actor.is_local:
        return None
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or user.is_disabled or user.name != actor.name:
        raise NotAllowedError(f"not allowed: the account {actor.name!r} is disabled or gone")
    return user


def coached_athlete_ids(session: Session, user_id: int) -> set[int]:
    """Athletes in the squads a coach account coaches."""
    return set(
        session.scalars(
            select(SquadMember.athlete_id)
            .join(Coach, Coach.id == SquadMember.coach_id)
            .where(Coach.coach_user_id == user_id)
        )
    )


def readable_athlete_ids(session: Session, actor: Actor) -> set[int] | None:
    """The athletes `actor` may read; None means every athlete (LOCAL, admin)."""
    user = account(session, actor)
    if user is None or actor.role == Role.ADMIN:
        return None
    own = {user.athlete_id} if user.athlete_id is not None else set()
    if actor.role == Role.COACH:
        return own | coached_athlete_ids(session, user.id)
    return own


def can_read(session: Session, actor: Actor, athlete_id: int) -> bool:
    ids = readable_athlete_ids(session, actor)
    return ids is None or athlete_id in ids


def can_write(session: Session, actor: Actor, athlete_id: int) -> bool:
    user = account(session, actor)
    return user is None or actor.role == Role.ADMIN or user.athlete_id == athlete_id


def require_read(session: Session, actor: Actor, athlete_id: int) -> None:
    """Raises NotAllowedError unless `actor` may read the athlete's data."""
    if not can_read(session, actor, athlete_id):
        raise _not_allowed(actor)


def require_write(session: Session, actor: Actor, athlete_id: int) -> None:
    """Raises NotAllowedError unless `actor` may change the athlete's data (a coach never may)."""
    if not can_write(session, actor, athlete_id):
        raise _not_allowed(actor)


def athlete_for(session: Session, actor: Actor, name: str, *, write: bool = False) -> Athlete:
    """The athlete named `name` if `actor` may read (or, with `write`, change) it.

    Raises:
        NotAllowedError: not allowed, or (for a club account) no such athlete: the same message,
            so names cannot be probed.
        NotFoundError: (LOCAL only) no such athlete, with the known names.
    """
    if actor.is_local:
        return admin.get_athlete(session, name)
    athlete = admin.find_athlete(session, name)
    if athlete is None:
        account(session, actor)  # a disabled account is told so, not "not allowed"
        raise _not_allowed(actor)
    (require_write if write else require_read)(session, actor, athlete.id)
    return athlete


def require_admin(session: Session, actor: Actor, what: str = "this") -> None:
    """Raises NotAllowedError unless `actor` is LOCAL or an admin account."""
    account(session, actor)
    if not (actor.is_local or actor.role == Role.ADMIN):
        raise NotAllowedError(f"not allowed: only an admin may do {what}")


def audit(
    engine: Engine,
    actor: Actor,
    action: str,
    athletes: Iterable[str | None] = (None,),
    detail: str | None = None,
    *,
    is_read: bool = False,
) -> None:
    """Record who read or changed whose data, in its own short transaction.

    Reads are recorded only for club accounts reading another athlete's data (a coach or an
    admin), at most once per reader, athlete and action in ten minutes; every change is
    recorded, the local user's as "local".
    """
    names = list(athletes)
    if is_read and actor.is_local:
        return  # before the write transaction: a local read must never wait for a writer
    at = repository.now_utc()
    with Session(writer(engine)) as session, session.begin():
        if is_read:
            user = session.get(User, actor.user_id)
            own = session.get(Athlete, user.athlete_id) if user and user.athlete_id else None
            names = [
                n
                for n in names
                if n is not None
                and (own is None or n != own.name)
                and not _recent_read(session, actor, action, n, at)
            ]
        for name in names:
            session.add(
                AuditEntry(
                    at=at,
                    actor=actor.name,
                    action=action,
                    athlete=name,
                    detail=detail[:500] if detail else None,
                )
            )
        session.execute(
            delete(AuditEntry).where(AuditEntry.at < at - timedelta(days=AUDIT_KEEP_DAYS))
        )


def record(
    session: Session, actor: Actor, action: str, athlete: str | None, detail: str | None = None
) -> None:
    """Record a change by a club account in the change's own transaction (it lands with the
    change or not at all). The local user's data changes are not recorded: in personal mode
    there is no one else, and at the server's shell the operator holds the database file."""
    if actor.is_local:
        return
    session.add(
        AuditEntry(
            at=repository.now_utc(),
            actor=actor.name,
            action=action,
            athlete=athlete,
            detail=detail[:500] if detail else None,
        )
    )


def activity_for(
    session: Session, actor: Actor, activity_id: int, *, write: bool = False
) -> Activity:
    """The activity `activity_id` if `actor` may read (or change) its athlete's data.

    Raises:
        NotFoundError: no such activity. NotAllowedError: another athlete's, not allowed.
    """
    activity = repository.get_activity(session, activity_id)
    (require_write if write else require_read)(session, actor, activity.athlete_id)
    return activity


def athlete_name_of(session: Session, athlete_id: int) -> str | None:
    athlete = session.get(Athlete, athlete_id)
    return athlete.name if athlete else None


def _recent_read(session: Session, actor: Actor, action: str, athlete: str, at: datetime) -> bool:
    return (
        session.scalar(
            select(AuditEntry.id)
            .where(
                AuditEntry.actor == actor.name,
                AuditEntry.action == action,
                AuditEntry.athlete == athlete,
                AuditEntry.at > at - _READ_DEDUP,
            )
            .limit(1)
        )
        is not None
    )
