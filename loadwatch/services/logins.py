"""Club-mode logins (issue #11): `login` with its lock-out (attempts counted atomically per name
and address and per address, issue #21), sessions that expire when idle (`session_actor`),
`logout`, and `external_login` for an identity provider's vouched account.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import Actor, Role
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import (
    AuditEntry,
    LoginSession,
    LoginThrottle,
    User,
)
from loadwatch.errors import AuthError
from loadwatch.services.accounts import find_user
from loadwatch.services.passwords import (
    DUMMY_HASH,
    HASHER,
    PASSWORD_MAX_CHARS,
    token_hash,
    verify_password,
)

log = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5  # five wrong passwords for one name from one address lock that pair


MAX_ADDRESS_FAILURES = 20  # loadwatch default: wrong passwords from one address, any names


LOCKOUT = timedelta(minutes=15)  # loadwatch default; an admin's reset unlocks at once


UNKNOWN_SOURCE = "unknown"  # a login whose client address the caller did not give


IDLE_TIMEOUT = timedelta(
    minutes=int(os.environ.get("LOADWATCH_IDLE_MINUTES", "30"))
)  # loadwatch default, as OWASP's session guidance suggests for low-risk apps (15-30 min)


_TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most once a minute per session


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A logged-in browser: keep `token` (secret) and act as `actor`."""

    token: str
    actor: Actor
    must_change_password: bool = False  # a password typed at the server: ask for a new one


def login(engine: Engine, name: str, password: str, *, source: str | None = None) -> LoginResult:
    """Check a name and password from the client address `source`; open a session.

    Every attempt is counted before the password is checked, in one atomic statement per
    counter (issue #21): per name and address, and per address. Five failures for a name from
    one address lock that pair for `LOCKOUT` (the right password from another address still
    works); `MAX_ADDRESS_FAILURES` from one address lock the address. An unknown name counts
    and locks the same way, with the same messages, so names cannot be probed. Argon2 runs
    outside any write transaction. Failures and locks go to the audit trail with `source`.

    Raises:
        AuthError: a wrong name or password (one message for both), a locked name or address,
            or a disabled account.
    """
    wrong = AuthError("wrong username or password")
    if not isinstance(name, str) or not name.strip() or len(name) > 120 or "\x00" in name:
        raise wrong
    if not isinstance(password, str) or len(password) > PASSWORD_MAX_CHARS:
        raise wrong
    name, where = name.strip(), (source or UNKNOWN_SOURCE)[:64]
    now = repository.now_utc()
    pair_key, address_key = f"{name}\n{where}", f"\n{where}"
    pair = _count_attempt(engine, pair_key, name, where, now, MAX_FAILED_LOGINS)
    address = _count_attempt(engine, address_key, None, where, now, MAX_ADDRESS_FAILURES)
    if address.locked_until is not None or pair.locked_until is not None:
        _audit_login(engine, name, "login-refused-locked", where, once_per_lock=True)
        if address.locked_until is not None:
            raise AuthError(_address_locked_message(address.locked_until, now))
        raise AuthError(_locked_message(name, pair.locked_until or now, now))
    with Session(engine) as session:  # a read: the slow hash is checked outside any write
        user = find_user(session, name)
        hashed = user.password_hash if user is not None else DUMMY_HASH
        user_id = user.id if user is not None else None
    is_right = verify_password(hashed, password) and user_id is not None
    if not is_right:
        _audit_login(engine, name, "login-failed", where)
        if pair.failures >= MAX_FAILED_LOGINS:
            until = _lock(engine, pair_key, now)
            _audit_login(engine, name, "login-locked", where)
            log.warning("login locked for %r from %s after %d failures", name, where, pair.failures)
            raise AuthError(_locked_message(name, until, now))
        raise wrong
    rehashed = HASHER.hash(password) if HASHER.check_needs_rehash(hashed) else None
    token = secrets.token_urlsafe(32)
    with Session(writer(engine)) as session, session.begin():
        user = session.get(User, user_id)
        if user is None:
            raise wrong
        if user.is_disabled:
            raise AuthError(f"the account {user.name!r} is disabled; ask your club's admin")
        session.execute(delete(LoginThrottle).where(LoginThrottle.key == pair_key))
        session.execute(  # the right password does not count against the address
            update(LoginThrottle)
            .where(LoginThrottle.key == address_key, LoginThrottle.failures > 0)
            .values(failures=LoginThrottle.failures - 1)
        )
        if rehashed is not None:
            user.password_hash = rehashed
        session.add(
            LoginSession(
                token_sha256=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now
            )
        )
        actor = Actor(user.name, Role(user.role), user.id)
        must_change = user.must_change_password
    _audit_login(engine, actor.name, "login", where)
    return LoginResult(token, actor, must_change)


@dataclass(frozen=True, slots=True)
class _Attempt:
    failures: int  # attempts counted in the window, this one included
    locked_until: datetime | None  # set while the key is locked


def _count_attempt(
    engine: Engine, key: str, name: str | None, source: str, now: datetime, limit: int
) -> _Attempt:
    """Count one attempt for `key` atomically (an upsert, then one UPDATE ... RETURNING: the
    row is locked while it changes, on PostgreSQL as on SQLite) and say whether it is locked.
    An attempt past `limit` locks the key, so parallel guesses stop at the limit."""
    window = now - LOCKOUT
    with Session(writer(engine)) as session, session.begin():
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(
            insert(LoginThrottle)
            .values(key=key, name=name, source=source, failures=0, window_start=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        is_stale = LoginThrottle.window_start < window
        row = session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(
                failures=case((is_stale, 1), else_=LoginThrottle.failures + 1),
                window_start=case((is_stale, now), else_=LoginThrottle.window_start),
            )
            .returning(LoginThrottle.failures, LoginThrottle.locked_until)
        ).one()
        failures, locked_until = int(row[0]), row[1]
        if locked_until is not None and locked_until <= now:
            locked_until = None
        if locked_until is None and failures > limit:
            locked_until = now + LOCKOUT
            session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key)
                .values(locked_until=locked_until, failures=0, window_start=now)
            )
    return _Attempt(failures, locked_until)


def _lock(engine: Engine, key: str, now: datetime) -> datetime:
    until = now + LOCKOUT
    with Session(writer(engine)) as session, session.begin():
        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(locked_until=until, failures=0, window_start=now)
        )
    return until


def _audit_login(
    engine: Engine, name: str, action: str, source: str, *, once_per_lock: bool = False
) -> None:
    """A login event in the audit trail, with the client address. A refusal while locked is
    written at most once per lock period and address, so a flood cannot fill the table."""
    at = repository.now_utc()
    with Session(writer(engine)) as session, session.begin():
        if once_per_lock:
            seen = session.scalar(
                select(AuditEntry.id)
                .where(
                    AuditEntry.action == action,
                    AuditEntry.actor == name[:120],
                    AuditEntry.source == source,
                    AuditEntry.at > at - LOCKOUT,
                )
                .limit(1)
            )
            if seen is not None:
                return
        session.add(AuditEntry(at=at, actor=name[:120], action=action, source=source))


def _locked_message(name: str, until: datetime, now: datetime) -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    return (
        f"{name!r} is locked for {minutes} more minutes after {MAX_FAILED_LOGINS} wrong "
        "passwords from this address; try again later or ask an admin to reset the password"
    )


def _address_locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    return (
        f"too many wrong passwords from this address: logins from it are refused for {minutes} "
        "more minutes"
    )


def session_actor(engine: Engine, token: str) -> Actor:
    """The actor a session token belongs to; refreshes its idle timer.

    Raises:
        AuthError: unknown or ended token, idle longer than `IDLE_TIMEOUT`, or the account is
            disabled: the browser must log in again.
    """
    now = repository.now_utc()
    ended = AuthError("your session has ended; please log in again")
    with Session(engine) as session:  # a read: every click runs this, most write nothing
        row = session.scalar(
            select(LoginSession).where(LoginSession.token_sha256 == token_hash(token))
        )
        if row is None or row.ended_at is not None:
            raise ended
        user = session.get(User, row.user_id)
        session_id, idle = row.id, now - row.last_seen_at
        actor = (
            None if user is None or user.is_disabled else Actor(user.name, Role(user.role), user.id)
        )
    if actor is None:
        _mark_session(engine, session_id, ended_at=now)
        raise ended
    if idle > IDLE_TIMEOUT:
        _mark_session(engine, session_id, ended_at=now)
        minutes = round(IDLE_TIMEOUT.total_seconds() / 60)
        raise AuthError(f"you were logged out after {minutes} minutes without activity")
    if idle > _TOUCH_EVERY:
        _mark_session(engine, session_id, last_seen_at=now)
    return actor


def _mark_session(engine: Engine, session_id: int, **values: datetime) -> None:
    """End a session or refresh its idle timer, in a transaction of its own (committed even
    when the caller goes on to refuse the session)."""
    with Session(writer(engine)) as session, session.begin():
        session.execute(
            update(LoginSession)
            .where(LoginSession.id == session_id, LoginSession.ended_at.is_(None))
            .values(**values)
        )


def logout(engine: Engine, token: str) -> None:
    """End a session (unknown tokens are ignored)."""
    with Session(writer(engine)) as session, session.begin():
        session.execute(
            update(LoginSession)
            .where(LoginSession.token_sha256 == token_hash(token), LoginSession.ended_at.is_(None))
            .values(ended_at=repository.now_utc())
        )


def external_login(engine: Engine, name: str) -> LoginResult:
    """Open a session for an account an identity provider has vouched for (Streamlit's OIDC
    `st.login`, docs/club.md): no password is checked here, the provider did that. The role
    still comes from our `users` table, so the account must exist (added by an admin with the
    provider's e-mail address as its name) and not be disabled.

    Raises:
        AuthError: no such account, or it is disabled.
    """
    now = repository.now_utc()
    with Session(writer(engine)) as session, session.begin():
        user = find_user(session, str(name).strip())
        if user is None or user.is_disabled:
            raise AuthError(
                f"there is no active loadwatch account for {name!r}; ask your club's admin"
            )
        token = secrets.token_urlsafe(32)
        session.add(
            LoginSession(
                token_sha256=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now
            )
        )
        actor = Actor(user.name, Role(user.role), user.id)
    auth.audit(engine, actor, "login", [None], "identity provider")
    return LoginResult(token, actor)
