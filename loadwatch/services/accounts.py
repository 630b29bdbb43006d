"""Club-mode accounts (issue #11): adding, listing, resetting and disabling users; logging in
and out; sessions that expire when idle; a runner's own data export and account deletion.

Passwords are hashed with Argon2id (argon2-cffi's `PasswordHasher`, its RFC 9106 low-memory
profile) and never stored, logged or returned in clear. A browser holds a random session token;
only its SHA-256 is stored, so a copy of the database opens no session.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import logging
import os
import re
import secrets
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath, PureWindowsPath

from argon2 import Parameters, PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import admin, repository
from loadwatch.db.admin import DeletedCounts
from loadwatch.db.engine import writer
from loadwatch.db.models import (
    Activity,
    Athlete,
    AuditEntry,
    Coach,
    Injury,
    LoginSession,
    LoginThrottle,
    OriginalFile,
    PainEntry,
    Shoe,
    SquadMember,
    StrengthTest,
    User,
)
from loadwatch.db.strength import sessions as strength_sessions
from loadwatch.errors import AuthError, InputError, NotFoundError
from loadwatch.services._checks import athlete_name, clean_text
from loadwatch.services.imports import stored_name

log = logging.getLogger(__name__)

PASSWORD_MIN_CHARS = 8  # NIST SP 800-63B section 5.1.1.2: at least 8 characters
PASSWORD_MAX_CHARS = 1024  # a bound on the hashing work one request can ask for
MAX_FAILED_LOGINS = 5  # five wrong passwords for one name from one address lock that pair
MAX_ADDRESS_FAILURES = 20  # loadwatch default: wrong passwords from one address, any names
LOCKOUT = timedelta(minutes=15)  # loadwatch default; an admin's reset unlocks at once
UNKNOWN_SOURCE = "unknown"  # a login whose client address the caller did not give
IDLE_TIMEOUT = timedelta(
    minutes=int(os.environ.get("LOADWATCH_IDLE_MINUTES", "30"))
)  # loadwatch default, as OWASP's session guidance suggests for low-risk apps (15-30 min)
_TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most once a minute per session

ARGON2_PROFILE_ENV = "LOADWATCH_ARGON2_PROFILE"


def _hasher_for(profile: str | None) -> PasswordHasher:
    """Argon2id with argon2-cffi's `RFC_9106_LOW_MEMORY` profile (its default: 64 MiB, 3
    passes), or another of its named profiles from $LOADWATCH_ARGON2_PROFILE. `CHEAPEST` is for
    the test suite only, which hashes hundreds of passwords; a stored hash carries its own
    parameters, so any profile verifies any hash."""
    name = (profile or "RFC_9106_LOW_MEMORY").upper()
    parameters = getattr(profiles, name, None)
    if not isinstance(parameters, Parameters) or parameters.type is not Type.ID:
        raise ValueError(f"{ARGON2_PROFILE_ENV}={profile!r} is not an Argon2id profile")
    return PasswordHasher.from_parameters(parameters)


_hasher = _hasher_for(os.environ.get(ARGON2_PROFILE_ENV))
# Verified against for unknown names, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True, slots=True)
class UserView:
    name: str
    role: Role
    athlete: str | None
    is_disabled: bool
    locked_until: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A logged-in browser: keep `token` (secret) and act as `actor`."""

    token: str
    actor: Actor
    must_change_password: bool = False  # a password typed at the server: ask for a new one


def _role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InputError(f"role must be one of {roles}; got {value!r}") from None


def _password(value: str, name: str | None = None) -> str:
    """A new password, checked as NIST SP 800-63B section 5.1.1.2 asks: length, and not a
    common, guessable or context-specific one (issue #21).

    Raises:
        InputError: what is wrong with it, and what to do.
    """
    if not isinstance(value, str) or "\x00" in value:
        raise InputError("the password must be text without NUL characters")
    if len(value) < PASSWORD_MIN_CHARS:
        raise InputError(f"the password must be at least {PASSWORD_MIN_CHARS} characters long")
    if len(value) > PASSWORD_MAX_CHARS:
        raise InputError(f"the password must be at most {PASSWORD_MAX_CHARS} characters long")
    weakness = password_weakness(value, name)
    if weakness:
        raise InputError(f"the password {weakness}; choose a longer, less common one")
    return value


def password_weakness(password: str, name: str | None = None) -> str | None:
    """Why `password` is too easy to guess, or None.

    Refused (NIST SP 800-63B 5.1.1.2 asks for a blocklist): the 30,000 most common passwords
    (zxcvbn's list, from leaked password sets), the same with digits or a "!" after it,
    placeholders such as "change-me", one or two characters repeated, sequences and keyboard
    rows (zxcvbn's score 0), and the account's own name with only digits or punctuation around
    it."""
    from zxcvbn import zxcvbn  # here: the matchers load 30k-word lists, which the CLI rarely needs

    folded = password.casefold()
    core = re.sub(r"[\d\W_]+$", "", folded) or folded
    if folded in _common_passwords() or core in _common_passwords():
        return "is one of the most common passwords"
    if "changeme" in re.sub(r"[\W_]", "", folded):
        return "is a placeholder (change-me)"
    if len(set(folded)) <= 2:
        return "repeats one or two characters"
    if name:
        rest = folded.replace(name.strip().casefold(), "")
        if rest != folded and not re.sub(r"[\d\W_]", "", rest):
            return "is the account's name"
    if zxcvbn(password[:64], user_inputs=[name] if name else [])["score"] == 0:
        return "is a sequence or a keyboard pattern"
    return None


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def user_name(value: str) -> str:
    """A user name, checked like an athlete name (a runner's athlete has the same name)."""
    return clean_text(value, "user name", 120)


def _view(session: Session, user: User) -> UserView:
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


def _find_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def _get_user(session: Session, name: str) -> User:
    user = _find_user(session, name)
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
    name, the_role = user_name(name), _role(role)
    password = _password(password, name)
    hashed = _hasher.hash(password)
    with Session(writer(engine)) as session, session.begin():
        auth.require_admin(session, actor, "adding users")
        if _find_user(session, name) is not None:
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
        view = _view(session, user)
    auth.audit(engine, actor, "user-add", [view.athlete], f"{name} ({the_role.value})")
    return view


def list_users(engine: Engine, *, actor: Actor = LOCAL) -> list[UserView]:
    """Every account, by name (admin only)."""
    with Session(engine) as session:
        auth.require_admin(session, actor, "listing users")
        return [_view(session, u) for u in session.scalars(select(User).order_by(User.name))]


def _end_sessions(session: Session, user_id: int, keep_token: str | None = None) -> int:
    keep = _token_hash(keep_token) if keep_token else None
    query = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(LoginSession.token_sha256 != keep)
    result = session.execute(query.values(ended_at=repository.now_utc()))
    return int(getattr(result, "rowcount", 0) or 0)


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
    password = _password(password, name)
    hashed = _hasher.hash(password)
    with Session(writer(engine)) as session, session.begin():
        auth.require_admin(session, actor, "resetting passwords")
        user = _get_user(session, name)
        user.password_hash, user.failed_logins, user.locked_until = hashed, 0, None
        user.must_change_password = must_change_password
        clear_login_locks(session, user.name)
        _end_sessions(session, user.id)
    auth.audit(engine, actor, "user-reset-password", [None], name)


def change_password(
    engine: Engine, old: str, new: str, *, actor: Actor, keep_token: str | None = None
) -> None:
    """The actor changes their own password; their other sessions end (this one is kept).

    Raises:
        AuthError: the old password is wrong. InputError: a bad new password.
    """
    new = _password(new, actor.name)
    if new == old:
        raise InputError("the new password must differ from the current one")
    with Session(engine) as session:  # the slow hashes outside the write transaction
        user = auth.account(session, actor)
        if user is None:
            raise InputError("the local user has no password")
        current = user.password_hash
    if not _verify(current, old):
        raise AuthError("the current password is not right")
    hashed = _hasher.hash(new)
    with Session(writer(engine)) as session, session.begin():
        user = auth.account(session, actor)
        if user is None or user.password_hash != current:
            raise AuthError("the password was changed meanwhile; log in again")
        user.password_hash, user.must_change_password = hashed, False
        _end_sessions(session, user.id, keep_token)
    auth.audit(engine, actor, "password-change", [None], actor.name)


def disable_user(engine: Engine, name: str, *, actor: Actor = LOCAL) -> None:
    """Disable an account (admin): it cannot log in, and its open sessions end at once."""
    name = user_name(name)
    with Session(writer(engine)) as session, session.begin():
        auth.require_admin(session, actor, "disabling users")
        user = _get_user(session, name)
        user.is_disabled = True
        _end_sessions(session, user.id)
    auth.audit(engine, actor, "user-disable", [None], name)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
        user = _find_user(session, name)
        hashed = user.password_hash if user is not None else _DUMMY_HASH
        user_id = user.id if user is not None else None
    is_right = _verify(hashed, password) and user_id is not None
    if not is_right:
        _audit_login(engine, name, "login-failed", where)
        if pair.failures >= MAX_FAILED_LOGINS:
            until = _lock(engine, pair_key, now)
            _audit_login(engine, name, "login-locked", where)
            log.warning("login locked for %r from %s after %d failures", name, where, pair.failures)
            raise AuthError(_locked_message(name, until, now))
        raise wrong
    rehashed = _hasher.hash(password) if _hasher.check_needs_rehash(hashed) else None
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
                token_sha256=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now
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


def clear_login_locks(session: Session, name: str) -> None:
    """Unlock a name at every address (an admin's password reset)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.name == name))


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
            select(LoginSession).where(LoginSession.token_sha256 == _token_hash(token))
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
            .where(LoginSession.token_sha256 == _token_hash(token), LoginSession.ended_at.is_(None))
            .values(ended_at=repository.now_utc())
        )


def own_athlete(engine: Engine, *, actor: Actor) -> str | None:
    """The athlete a runner account owns (None for coaches, admins and the local user)."""
    with Session(engine) as session:
        user = auth.account(session, actor)
        if user is None or user.athlete_id is None:
            return None
        athlete = session.get(Athlete, user.athlete_id)
        return athlete.name if athlete else None


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
        user = _find_user(session, str(name).strip())
        if user is None or user.is_disabled:
            raise AuthError(
                f"there is no active loadwatch account for {name!r}; ask your club's admin"
            )
        token = secrets.token_urlsafe(32)
        session.add(
            LoginSession(
                token_sha256=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now
            )
        )
        actor = Actor(user.name, Role(user.role), user.id)
    auth.audit(engine, actor, "login", [None], "identity provider")
    return LoginResult(token, actor)
