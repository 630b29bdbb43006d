"""Looking after the database (issue #23): `doctor`, `backup_database`, the integrity check, and
`storage_fault`, which the front ends call to turn a fault of the disk or the database into one
line (the traceback goes to the log file)."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from loadwatch.db import engine as db_engine
from loadwatch.db import faults, health
from loadwatch.errors import DatabaseError, StorageError
from loadwatch.services._common import configure_logging

log = logging.getLogger("loadwatch.faults")
MIN_FREE_BYTES = 200 * 1024 * 1024  # doctor warns below this: an export import needs room


@dataclass(frozen=True, slots=True)
class DoctorCheck:
    """One line of `loadwatch doctor`: what was checked, whether it is fine, and the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def storage_fault(exc: BaseException, engine_or_url: Engine | str | None) -> StorageError | None:
    """The one-line error for a fault of the disk or the database (full, held by another
    program, read-only, damaged, a server gone), or None when `exc` is not one (a bug: let it
    propagate). The traceback is written to loadwatch's log file, never to the screen.

    Args:
        engine_or_url: the database the command used, named in the message (None: the
            default database).
    """
    url = None
    if isinstance(engine_or_url, Engine):
        url = engine_or_url.url
    else:
        try:
            url = make_url(db_engine.database_url(engine_or_url or db_engine.default_url()))
        except (SQLAlchemyError, OSError):
            url = None
    error = faults.storage_error(exc, url)
    if error is not None:
        log.error("%s", error, exc_info=exc)
    return error


def on_database_wait(listener: Callable[[str, float], None]) -> None:
    """Call `listener(database, timeout_s)` when a command starts waiting for another one's write
    lock (SQLite), so the front end can say so instead of staying silent."""
    db_engine.on_wait(listener)


def busy_timeout_s() -> float:
    """How long a command waits for another's write lock ($LOADWATCH_BUSY_TIMEOUT_S)."""
    return faults.busy_timeout_s()


def check_database(engine: Engine) -> None:
    """SQLite's integrity check (`PRAGMA quick_check`); `init-db` runs it.

    Raises:
        StorageError: the file is damaged; the message says to restore a backup.
    """
    health.require_intact(engine)


def backup_database(url: str | None, destination: Path) -> int:
    """Write a consistent copy of the SQLite database to `destination` (SQLite's online backup
    API: other commands may run meanwhile); works on a database of a newer loadwatch too.

    Returns:
        The backup's size in bytes.

    Raises:
        DatabaseError: not SQLite, no database there, the destination exists, or the copy
            failed.
    """
    engine = db_engine.make_engine(url)
    try:
        db_engine.check_connection(engine)
        return health.backup(engine, destination.expanduser().absolute())
    finally:
        engine.dispose()


def doctor(url: str | None) -> list[DoctorCheck]:
    """Check the database (opens, integrity, migrations), free space and the log folder,
    without changing anything: it runs on a damaged database or a newer one's too.

    Returns:
        One `DoctorCheck` per item, in that order; a database that cannot be opened ends the list
        after the space and log checks.
    """
    checks: list[DoctorCheck] = []
    try:
        engine = db_engine.make_engine(url)
    except DatabaseError as exc:
        return [DoctorCheck("database", False, str(exc)), *_space_and_log(None)]
    try:
        path = faults.database_path(engine.url)
        shown = engine.url.render_as_string(hide_password=True)
        if path is not None and not path.exists():
            checks.append(
                DoctorCheck("database", False, f"no database at {str(path)!r}", "loadwatch init-db")
            )
            return [*checks, *_space_and_log(path)]
        try:
            db_engine.check_connection(engine)
        except DatabaseError as exc:
            return [DoctorCheck("database", False, str(exc)), *_space_and_log(path)]
        checks.append(DoctorCheck("database", True, f"opens: {shown}"))
        checks.append(_integrity(engine))
        checks.append(_migrations(engine))
    finally:
        engine.dispose()
    return [*checks, *_space_and_log(path)]


def _integrity(engine: Engine) -> DoctorCheck:
    if engine.url.get_backend_name() != "sqlite":
        return DoctorCheck("integrity", True, "a server database: PostgreSQL checks its own pages")
    problems = health.quick_check(engine)
    if problems:
        return DoctorCheck(
            "integrity",
            False,
            f"PRAGMA quick_check found: {'; '.join(problems)}",
            "restore the database from a backup (`loadwatch backup FILE` makes one)",
        )
    return DoctorCheck("integrity", True, "PRAGMA quick_check: ok")


def _migrations(engine: Engine) -> DoctorCheck:
    try:
        unknown = db_engine.unknown_revisions(engine)
        current, head = db_engine.schema_revisions(engine)
    except SQLAlchemyError as exc:
        error = faults.storage_error(exc, engine.url)
        return DoctorCheck("migrations", False, str(error or exc).splitlines()[0])
    if unknown:
        return DoctorCheck(
            "migrations",
            False,
            f"written by a newer loadwatch (revision {unknown[0]})",
            "upgrade loadwatch (pip install --upgrade loadwatch)",
        )
    if not current:
        return DoctorCheck("migrations", False, "no tables yet", "loadwatch init-db")
    if head not in current:
        return DoctorCheck(
            "migrations",
            False,
            f"at revision {', '.join(current)}, this loadwatch's is {head}",
            "loadwatch init-db (back up first: loadwatch backup FILE)",
        )
    return DoctorCheck("migrations", True, f"at this loadwatch's revision ({head})")


def _space_and_log(path: Path | None) -> list[DoctorCheck]:
    checks = []
    folders = {"temporary folder": Path(tempfile.gettempdir())}
    if path is not None:
        folders = {"database folder": path.parent, **folders}
    for name, folder in folders.items():
        try:
            free = shutil.disk_usage(folder).free
        except OSError as exc:
            checks.append(DoctorCheck(f"free space ({name})", False, f"{folder}: {exc.strerror}"))
            continue
        detail = f"{free / 1024**3:.1f} GB free in {str(folder)!r}"
        fix = "" if free >= MIN_FREE_BYTES else "free some space before a large import"
        if name == "temporary folder" and fix:
            fix += " or point TMPDIR at a folder on a disk with room"
        checks.append(DoctorCheck(f"free space ({name})", not fix, detail, fix))
    log_path = configure_logging()
    writable = _writable(log_path.parent)
    checks.append(
        DoctorCheck(
            "log folder",
            writable,
            f"{str(log_path)!r}" + ("" if writable else " cannot be written"),
            "" if writable else "set LOADWATCH_LOG_DIR to a folder you can write",
        )
    )
    return checks


def _writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def open_database(url: str | None = None) -> Engine:
    """An engine for `url` (default location when None), migrated to the latest schema."""
    engine = db_engine.make_engine(url)
    db_engine.migrate(engine)
    return engine
