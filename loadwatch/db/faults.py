"""The faults a user meets (issue #23), told in one line: a full disk, a database another program
holds, a read-only file, a damaged file, a newer schema, a server that went away.

`storage_error` reads an exception (and the exceptions it was raised from) and returns the
`StorageError` that names the cause and the fix, or None when it is not such a fault (a bug,
which the caller lets propagate). The front ends call it at their boundary; the import service
calls it to add how many files were saved.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from sqlalchemy import URL
from sqlalchemy.exc import DBAPIError

from loadwatch.errors import StorageError

BUSY_TIMEOUT_ENV = "LOADWATCH_BUSY_TIMEOUT_S"
DEFAULT_BUSY_TIMEOUT_S = 60.0  # how long a command waits for another one's write lock
RERUN = "run the same command again"


class Fault(StrEnum):
    DISK_FULL = "disk-full"
    TEMP_FULL = "temp-full"  # raised as a StorageError by importers/archive.py
    BUSY = "busy"
    READ_ONLY = "read-only"
    DAMAGED = "damaged"
    SERVER_GONE = "server-gone"
    IO_ERROR = "io-error"


_DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
# PostgreSQL SQLSTATEs (Appendix A of its manual): class 08 connection exceptions, 57P0x the
# server shutting down or starting, 53100 disk full, 25006 read-only transaction.
_PG_GONE_STATES = frozenset({"57P01", "57P02", "57P03"})
# psycopg raises its base OperationalError, with no SQLSTATE, when the connection is lost.
_PG_GONE_CLASSES = frozenset({"OperationalError", "InterfaceError"})


def busy_timeout_s() -> float:
    """How long a command waits for another's write lock: $LOADWATCH_BUSY_TIMEOUT_S, default 60.

    Raises:
        StorageError: never; a value that is not a positive number gives the default.
    """
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT_S
    return value if 0 < value < 24 * 3600 else DEFAULT_BUSY_TIMEOUT_S


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what it was raised from or during, outermost first, each once."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        if isinstance(link, DBAPIError) and link.orig is not None:
            yield link.orig
        link = link.__cause__ or link.__context__


def classify(exc: BaseException) -> tuple[Fault, str] | None:
    """The fault behind `exc` and the driver's own words for it, or None (not a storage fault).

    The whole chain is read: a full disk during an import surfaces as "no such savepoint" (SQLite
    rolled the transaction back itself), raised while handling the SQLITE_FULL error.
    """
    for link in _chain(exc):
        found = _one(link)
        if found is not None:
            return found
    return None


def _one(exc: BaseException) -> tuple[Fault, str] | None:
    if isinstance(exc, StorageError):
        return Fault(exc.kind), str(exc)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return Fault.SERVER_GONE, _first_line(exc.orig)
    if isinstance(exc, OSError) and not _is_driver_error(exc):
        if exc.errno in _DISK_FULL_ERRNOS:
            return Fault.DISK_FULL, exc.strerror or "no space left"
        if exc.errno == errno.EROFS:
            return Fault.READ_ONLY, exc.strerror or "read-only file system"
        if exc.errno == errno.EIO:
            return Fault.IO_ERROR, exc.strerror or "input/output error"
        return None
    name = getattr(exc, "sqlite_errorname", None)
    if isinstance(name, str):
        return _sqlite(name, exc)
    if type(exc).__module__ == "sqlite3" and "Could not decode to UTF-8" in str(exc):
        return Fault.DAMAGED, "a text value is not valid UTF-8"
    if type(exc).__module__.startswith("psycopg"):
        return _postgres(exc)
    return None


def _is_driver_error(exc: BaseException) -> bool:
    return type(exc).__module__.startswith(("sqlite3", "psycopg"))


def _sqlite(name: str, exc: BaseException) -> tuple[Fault, str] | None:
    words = _first_line(exc)
    if name == "SQLITE_FULL":
        return Fault.DISK_FULL, words
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return Fault.BUSY, words
    if name.startswith("SQLITE_READONLY"):
        return Fault.READ_ONLY, words
    if name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB":
        return Fault.DAMAGED, words
    if name.startswith("SQLITE_IOERR"):
        return Fault.IO_ERROR, words
    return None


def _postgres(exc: BaseException) -> tuple[Fault, str] | None:
    state = getattr(exc, "sqlstate", None)
    words = _first_line(exc)
    if state == "53100":
        return Fault.DISK_FULL, words
    if state == "25006":
        return Fault.READ_ONLY, words
    if state in _PG_GONE_STATES or (isinstance(state, str) and state.startswith("08")):
        return Fault.SERVER_GONE, words
    if state is None and type(exc).__name__ in _PG_GONE_CLASSES:
        return Fault.SERVER_GONE, words
    return None


def _first_line(exc: BaseException | None) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def database_path(url: URL) -> Path | None:
    """The SQLite file of `url`, or None (a server, or an in-memory database)."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database.removeprefix("file:").split("?")[0])


def storage_error(
    exc: BaseException,
    url: URL | None,
    *,
    progress: str | None = None,
    rerun: str = RERUN,
) -> StorageError | None:
    """The one-line `StorageError` for `exc`, or None when `exc` is not a storage fault.

    Args:
        url: the database the command used (named in the message; never its password).
        progress: what the command saved before the fault ("384 files were saved").
        rerun: how to finish the work ("run the same command again, the rest will be imported").
    """
    found = classify(exc)
    if found is None:
        return None
    fault, words = found
    if isinstance(exc, StorageError):
        return exc.with_progress(progress) if progress else exc
    for link in _chain(exc):
        if isinstance(link, StorageError):  # raised on purpose below the driver: keep it
            return link.with_progress(progress) if progress else link
    path = database_path(url) if url is not None else None
    if fault is Fault.IO_ERROR and path is not None and _nearly_full(path.parent):
        fault = Fault.DISK_FULL  # SQLite says "disk I/O error" when it cannot make its -shm
    where = str(path) if path is not None else _server(url)
    error = _describe(fault, words, where, path, rerun)
    return error.with_progress(progress) if progress else error


NEARLY_FULL_BYTES = 1024 * 1024


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def _server(url: URL | None) -> str:
    return url.render_as_string(hide_password=True) if url is not None else "the database"


def _describe(fault: Fault, words: str, where: str, path: Path | None, rerun: str) -> StorageError:
    kind = fault.value
    if fault is Fault.DISK_FULL:
        return StorageError(
            f"the disk holding {where!r} is full", f"free space and {rerun}", kind=kind
        )
    if fault is Fault.BUSY:
        timeout = busy_timeout_s()
        holders = open_by(path) if path is not None else []
        who = f" (it is open in {', '.join(holders)})" if holders else ""
        return StorageError(
            f"the database {where!r} is busy: another program kept it locked for "
            f"{timeout:g} s{who}",
            f"let that program finish or close it, then {rerun} (${BUSY_TIMEOUT_ENV} sets how "
            "long loadwatch waits)",
            kind=kind,
        )
    if fault is Fault.READ_ONLY:
        fix = (
            f"make it writable (chmod u+w {str(path)!r}) or give another database with --db; "
            "commands that only read still work"
            if path is not None
            else "give the loadwatch user write access to the database, or use another one"
        )
        return StorageError(f"the database {where!r} is read-only ({words})", fix, kind=kind)
    if fault is Fault.DAMAGED:
        return StorageError(
            f"the database file {where!r} is damaged ({words})",
            "restore it from a backup (`loadwatch backup FILE` writes one; `loadwatch doctor` "
            "checks a database)",
            kind=kind,
        )
    if fault is Fault.SERVER_GONE:
        return StorageError(
            f"the database server {where!r} stopped answering ({words})",
            f"check that it is running, then {rerun}",
            kind=kind,
        )
    return StorageError(
        f"the disk holding {where!r} failed to read or write ({words})",
        f"check the disk (the system log says more), then {rerun}",
        kind=kind,
    )


def open_by(path: Path) -> list[str]:
    """The other processes that have the database file (or its WAL) open, as
    "process PID (command)"; empty where it cannot be known (no /proc, another user's)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    targets = {str(path.resolve()), f"{path.resolve()}-wal", f"{path.resolve()}-shm"}
    found: list[str] = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fds = list((entry / "fd").iterdir())
            if not any(os.readlink(fd) in targets for fd in fds):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        found.append(f"process {entry.name} ({' '.join(command.split())[:80]})")  # one line
        if len(found) == 3:
            break
    return found
