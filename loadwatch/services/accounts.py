"""Club-mode accounts (issue #11): adding, listing, resetting and disabling users, changing a
password, and the athlete an account is. Passwords: services/passwords.py; logging in and
sessions: services/logins.py; a runner's own export and deletion: services/account_data.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import admin, repository
from loadwatch.db.engine import writer
from loadwatch.db.models import (
    Athlete,
    LoginSession,
    LoginThrottle,
    User,
)
from loadwatch.errors import AuthError, InputError, NotFoundError
from loadwatch.services._checks import athlete_name, clean_text
from loadwatch.services.passwords import HASHER, checked_password, token_hash, verify_password

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UserView:
    name: str
    role: Role
    athlete: str | None
    is_disabled: bool
    locked_until: datetime | None
    created_at: datetime


def role_of(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InputError(f"role must be one of {roles}; got {value!r}") from None


def user_name(value: str) -> str:
    """A user name, checked like an athlete name (a runner's athlete has the same name)."""
    return clean_text(value, "user name", 120)


def user_view(session: Session, user: User) -> UserView:
    athlete = session.get(Athlete, user.athlete_id) if user.athlete_id else None
    now = repository.now_utc()
    locked_until = session.scalar(  # locked at any address (see `login`)
        select(func.max(LoginThrottle.locked_until)).where(
            LoginThrottle.name == user.name, LoginThrottle.locked_until > now
        )
    )
    return UserView(
        user.name,
        Role(user.role),
        athlete.name if athlete else None,
        user.is_disabled,
        locked_until,
        user.created_at,
    )


def find_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def get_user(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise NotFoundError(f"no user named {name!r} (see `loadwatch user list`)")
    return user


def add_user(
    engine: Engine,
    name: str,
    role: str,
    password: str,
    *,
    actor: Actor = LOCAL,
    must_change_password: bool = False,
) -> UserView:
    """Add an account. A runner owns the athlete of the same name (created if missing).
    `must_change_password`: the password was typed by someone else (at the server, by an
    admin), so the first login asks for a new one.

    Raises:
        NotAllowedError: `actor` is not an admin (or the local user).
        InputError: a bad name, role or password (too short, common, the name), or the name
            is taken.
    """
    name, the_role = user_name(name), role_of(role)
    password = checked_password(password, name)
    hashed = HASHER.hash(password)
    with Session(writer(engine)) as session, session.begin():
        auth.require_admin(session, actor, "adding users")
        if find_user(session, name) is not None:
            raise InputError(f"there is already a user named {name!r}")
        athlete_id = None
        if the_role == Role.RUNNER:
            athlete = admin.get_or_create_athlete(session, athlete_name(name))
            owner = session.scalar(select(User).where(User.athlete_id == athlete.id))
            if owner is not None:
                raise InputError(f"the athlete {athlete.name!r} already belongs to {owner.name!r}")
            athlete_id = athlete.id
        user = User(
            name=name,
            role=the_role.value,
            password_hash=hashed,
            athlete_id=athlete_id,
            is_disabled=False,
            failed_logins=0,
            created_at=repository.now_utc(),
            must_change_password=must_change_password,
        )
        session.add(user)
        session.flush()
        view = user_view(session, user)
    auth.audit(engine, actor, "user-add", [view.athlete], f"{name} ({the_role.value})")
    return view


def list_users(engine: Engine, *, actor: Actor = LOCAL) -> list[UserView]:
    """Every account, by name (admin only)."""
    with Session(engine) as session:
        auth.require_admin(session, actor, "listing users")
        return [user_view(session, u) for u in session.scalars(select(User).order_by(User.name))]


def end_sessions(session: Session, user_id: int, keep_token: str | None = None) -> int:
    keep = token_hash(keep_token) if keep_token else None
    query = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(LoginSession.token_sha256 != keep)
    result = session.execute(query.values(ended_at=repository.now_utc()))
    return int(getattr(result, "rowcount", 0) or 0)


def clear_login_locks(session: Session, name: str) -> None:
    """Unlock a name at every address (an admin's password reset)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.name == name))


def reset_password(
    engine: Engine,
    name: str,
    password: str,
    *,
    actor: Actor = LOCAL,
    must_change_password: bool = True,
) -> None:
    """Set a new password (admin), unlock the account at every address and end all its
    sessions; the next login asks for a new password unless `must_change_password` is False.

    Raises:
        NotAllowedError: not an admin. NotFoundError: unknown user. InputError: a bad password.
    """
    name = user_name(name)
    password = checked_password(password, name)
    hashed = HASHER.hash(password)
    with Session(writer(engine)) as session, session.begin():
        auth.require_admin(session, actor, "resetting passwords")
        user = get_user(session, name)
        user.password_hash, user.failed_logins, user.locked_until = hashed, 0, None
        user.must_change_password = must_change_password
        clear_login_locks(session, user.name)
        end_sessions(session, user.id)
    auth.audit(engine, actor, "user-reset-password", [None], name)


def change_password(
    engine: Engine, old: str, new: str, *, actor: Actor, keep_token: str | None = None
) -> None:
    """The actor changes their own password; their other sessions end (this one is kept).

    Raises:
        AuthError: the old password is wrong. InputError: a bad new password.
    """
    new = checked_password(new, actor.name)
    if new == old:
        raise InputError("the new password must differ from the current one")
    with Session(engine) as session:  # the slow hashes outside the write transaction
        user = auth.account(session, actor)
        if user is None:
            raise InputError("the local user has no password")
        current = user.password_hash
    if not verify_password(current, old):
        raise AuthError("the current password is not right")
    hashed = HASHER.hash(new)
    with Session(writer(engine)) as session, session.begin():
        user = auth.account(session, actor)
        if user is None or user.password_hash != current:
            raise AuthError("the password was changed meanwhile; log in again")
        user.password_hash, user.must_change_password = hashed, False
        end_sessions(session, user.id, keep_token)
    auth.audit(engine, actor, "password-change", [None], actor.name)


def disable_user(engine: Engine, name: str, *, actor: Actor = LOCAL) -> None:
    """Disable an account (admin): it cannot log in, and its open sessions end at once."""
    name = user_name(name)
    with Session(writer(engine)) as session, session.begin():
        auth.require_admin(session, actor, "disabling users")
        user = get_user(session, name)
        user.is_disabled = True
        end_sessions(session, user.id)
    auth.audit(engine, actor, "user-disable", [None], name)


def own_athlete(engine: Engine, *, actor: Actor) -> str | None:
    """The athlete a runner account owns (None for coaches, admins and the local user)."""
    with Session(engine) as session:
        user = auth.account(session, actor)
        if user is None or user.athlete_id is None:
            return None
        athlete = session.get(Athlete, user.athlete_id)
        return athlete.name if athlete else None
