"""db/faults.py: the exception chains of issue #23 read as one fault each, told in one line."""

from __future__ import annotations

import errno
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from loadwatch.db import engine as db_engine
from loadwatch.db.engine import make_engine, migrate, writer
from loadwatch.db.faults import Fault, busy_timeout_s, classify, storage_error

SQLITE_URL = make_url("sqlite:////data/runs.db")
PG_URL = make_url("postgresql+psycopg://ana:secret@db.example/loadwatch")


def _sqlite_error(message: str, name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


def _psycopg_error(name: str, message: str, sqlstate: str | None) -> Exception:
    kind = type(name, (Exception,), {"__module__": "psycopg.errors", "sqlstate": sqlstate})
    return kind(message)  # type: ignore[no-any-return]


def _wrapped(orig: Exception, *, invalidated: bool = False) -> OperationalError:
    return OperationalError("INSERT ...", {}, orig, connection_invalidated=invalidated)


def test_a_full_disk_behind_a_lost_savepoint_is_found_in_the_chain() -> None:
    # SQLite rolls the transaction back itself on SQLITE_FULL, so SQLAlchemy's ROLLBACK TO
    # SAVEPOINT then fails: the error the user saw was "no such savepoint" (issue #23).
    full = _wrapped(_sqlite_error("database or disk is full", "SQLITE_FULL"))
    try:
        try:
            raise full
        except OperationalError:
            raise _wrapped(_sqlite_error("no such savepoint: sa_savepoint_39", "SQLITE_ERROR"))  # noqa: B904 - the implicit context is the case
    except OperationalError as exc:
        outer = exc

    error = storage_error(outer, SQLITE_URL, progress="384 files were saved before it stopped")

    assert error is not None
    assert str(error) == (
        "the disk holding '/data/runs.db' is full: 384 files were saved before it stopped; "
        "free space and run the same command again"
    )


@pytest.mark.parametrize(
    ("orig", "fault"),
    [
        (_sqlite_error("database is locked", "SQLITE_BUSY"), Fault.BUSY),
        (_sqlite_error("attempt to write a readonly database", "SQLITE_READONLY"), Fault.READ_ONLY),
        (_sqlite_error("database disk image is malformed", "SQLITE_CORRUPT"), Fault.DAMAGED),
        (_sqlite_error("file is not a database", "SQLITE_NOTADB"), Fault.DAMAGED),
        (
            sqlite3.OperationalError("Could not decode to UTF-8 column 'imported_at' with text"),
            Fault.DAMAGED,
        ),
        (_sqlite_error("disk I/O error", "SQLITE_IOERR_WRITE"), Fault.IO_ERROR),
        (
            _psycopg_error("AdminShutdown", "terminating connection due to administrator", "57P01"),
            Fault.SERVER_GONE,
        ),
        (
            _psycopg_error("OperationalError", "server closed the connection unexpectedly", None),
            Fault.SERVER_GONE,
        ),
        (_psycopg_error("DiskFull", "could not extend file", "53100"), Fault.DISK_FULL),
        (
            _psycopg_error("ReadOnlySqlTransaction", "cannot execute INSERT", "25006"),
            Fault.READ_ONLY,
        ),
    ],
    ids=lambda value: value.value if isinstance(value, Fault) else type(value).__name__,
)
def test_driver_errors_are_read_as_their_fault(orig: Exception, fault: Fault) -> None:
    found = classify(_wrapped(orig))
    assert found is not None
    assert found[0] is fault


@pytest.mark.parametrize(
    "exc",
    [
        IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
        _wrapped(_psycopg_error("DeadlockDetected", "deadlock detected", "40P01")),
        _wrapped(_sqlite_error("no such table: x", "SQLITE_ERROR")),
        OSError(errno.ENOENT, "No such file or directory"),
        ValueError("a bug"),
    ],
    ids=["integrity", "deadlock", "sql-error", "enoent", "bug"],
)
def test_other_errors_are_not_storage_faults(exc: BaseException) -> None:
    assert storage_error(exc, SQLITE_URL) is None


def test_a_lost_connection_names_the_server_without_its_password() -> None:
    lost = _wrapped(
        _psycopg_error("OperationalError", "consuming input failed", None), invalidated=True
    )

    error = storage_error(lost, PG_URL)

    assert error is not None
    assert "secret" not in str(error)
    assert str(error).startswith(
        "the database server 'postgresql+psycopg://ana:***@db.example/loadwatch' stopped "
        "answering (consuming input failed); check that it is running"
    )


def test_os_errors_of_a_full_or_read_only_disk_are_faults() -> None:
    assert classify(OSError(errno.ENOSPC, "No space left on device")) == (
        Fault.DISK_FULL,
        "No space left on device",
    )
    assert classify(OSError(errno.EROFS, "Read-only file system"))[0] is Fault.READ_ONLY  # type: ignore[index]


@pytest.mark.parametrize(
    ("value", "seconds"), [("", 60.0), ("2.5", 2.5), ("0", 60.0), ("x", 60.0), ("-1", 60.0)]
)
def test_the_busy_timeout_comes_from_the_environment(
    value: str, seconds: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOADWATCH_BUSY_TIMEOUT_S", value)
    assert busy_timeout_s() == seconds


def test_a_writer_waits_for_a_held_lock_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(str(tmp_path / "runs.db"))
    migrate(engine)
    told: list[tuple[str, float]] = []
    monkeypatch.setattr(db_engine, "_wait_listeners", [lambda db, s: told.append((db, s))])
    monkeypatch.setenv("LOADWATCH_BUSY_TIMEOUT_S", "5")
    holder = sqlite3.connect(tmp_path / "runs.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(1.0, holder.rollback).start()  # freed within the timeout

    with writer(engine).begin() as connection:
        connection.exec_driver_sql("CREATE TABLE waited (x)")

    assert told == [(str(tmp_path / "runs.db"), 5.0)]
    holder.close()
    engine.dispose()


def test_without_a_listener_a_writer_waits_the_whole_timeout_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(str(tmp_path / "runs.db"))
    migrate(engine)
    monkeypatch.setattr(db_engine, "_wait_listeners", [])
    holder = sqlite3.connect(tmp_path / "runs.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(1.0, holder.rollback).start()  # past the 300 ms first try

    with writer(engine).begin() as connection:
        connection.exec_driver_sql("CREATE TABLE waited (x)")

    holder.close()
    engine.dispose()
