"""The database's health (issue #23): SQLite's integrity check and an online backup.

`quick_check` runs `PRAGMA quick_check` (every page and record read once, indexes not matched
against their tables: seconds for a large file, which is why `reimport`, `init-db` and
`loadwatch doctor` run it and ordinary commands do not). `backup` copies a live database with
SQLite's online backup API, so a command running meanwhile is neither stopped nor half-copied.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from loadwatch.db.faults import Fault, database_path
from loadwatch.errors import DatabaseError, StorageError

MAX_PROBLEMS = 5  # quick_check lines kept; the first says enough
BACKUP_PAGES = 1024  # pages copied per step: other commands may write between steps


def quick_check(engine: Engine) -> list[str]:
    """SQLite's `PRAGMA quick_check`: the problems it finds (empty: the file is sound).

    Returns an empty list for a server database (PostgreSQL checks its own pages). A file so
    damaged that the check itself fails is reported as that failure.
    """
    if engine.url.get_backend_name() != "sqlite":
        return []
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(f"PRAGMA quick_check({MAX_PROBLEMS})").fetchall()
    except DBAPIError as exc:  # a file too damaged to check ("file is not a database", ...)
        return [str(exc.orig).splitlines()[0] if str(exc.orig) else type(exc.orig).__name__]
    # Each row may hold several lines ("*** in database main ***", "Page 23: ..."): one line each.
    problems = [
        " ".join(line.split())
        for row in rows
        for line in str(row[0]).splitlines()
        if line.strip() and not line.startswith("***")
    ]
    return [] if problems == ["ok"] else problems[:MAX_PROBLEMS]


def require_intact(engine: Engine) -> None:
    """Stop before writing into a damaged SQLite file (issue #23: `reimport` on a damaged page).

    Raises:
        StorageError: `quick_check` found a problem; the message names the first and the fix.
    """
    problems = quick_check(engine)
    if problems:
        path = database_path(engine.url)
        raise StorageError(
            f"the database file {str(path)!r} is damaged ({problems[0]})",
            "nothing was changed; restore it from a backup (`loadwatch backup FILE` writes one, "
            "`loadwatch doctor` checks a database)",
            kind=Fault.DAMAGED.value,
        )


def backup(engine: Engine, destination: Path) -> int:
    """Copy the SQLite database to `destination` with SQLite's online backup API.

    The copy is consistent even while another command writes. Returns its size in bytes.

    Raises:
        DatabaseError: not a SQLite database (use pg_dump for PostgreSQL), the destination
            exists or its folder does not, or the copy failed (the message says why).
    """
    source_path = database_path(engine.url)
    if source_path is None:
        raise DatabaseError(
            "`loadwatch backup` copies a SQLite database file; for PostgreSQL use pg_dump"
        )
    if destination.exists():
        raise DatabaseError(
            f"{str(destination)!r} already exists; give a new file name (a backup never "
            "overwrites a file)"
        )
    if not destination.parent.is_dir():
        raise DatabaseError(f"the folder {str(destination.parent)!r} does not exist")
    if not source_path.exists():
        raise DatabaseError(f"there is no database at {str(source_path)!r} to back up")
    partial = destination.with_name(destination.name + ".partial")
    try:
        # Through the engine's own connection: a second descriptor on a live SQLite file would
        # drop this process's locks when closed (STYLE.md section 9).
        with engine.connect() as connection:
            source = connection.connection.driver_connection
            target = sqlite3.connect(partial)
            try:
                source.backup(target, pages=BACKUP_PAGES)  # type: ignore[union-attr]
            finally:
                target.close()
        partial.replace(destination)
    except (DBAPIError, sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"the backup to {str(destination)!r} failed: {exc}") from exc
    return destination.stat().st_size
