"""Engine creation (SQLite pragmas, default location) and running the Alembic migrations.

What the user gives as `--db` or `$LOADWATCH_DB_URL` is checked here (issue #10): a plain path
means a SQLite file, and a database that cannot be opened is one `DatabaseError` line (a
folder that does not exist, a file that is not a database, an unreachable server, a missing
driver), never a traceback and never a new empty database somewhere unexpected.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from filelock import BaseFileLock, FileLock, Timeout
from platformdirs import user_data_dir
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from loadwatch.db.faults import Fault, busy_timeout_s, storage_error
from loadwatch.errors import DatabaseError, NewerSchemaError

DB_URL_ENV = "LOADWATCH_DB_URL"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_migrate_lock = threading.Lock()
MIGRATE_LOCK_TIMEOUT_S = 600.0  # a migration waiting longer than this says so, never hangs
log = logging.getLogger("loadwatch.db")
SQLITE_HEADER = b"SQLite format 3\x00"
# SQLite files this process has connected to. Their header is never read again: on POSIX,
# closing ANY descriptor of a file drops every lock the process holds on it, so a second
# open-and-close under a live connection lets another process delete the WAL (issue #21).
_live_sqlite_files: set[str] = set()
_live_lock = threading.Lock()
CONNECT_TIMEOUT_S = 10  # a server that does not answer is an error after this, not a hang
# The driver modules a URL may need and what to install for each.
_DRIVER_PACKAGES = {
    "psycopg": "pip install 'loadwatch[postgres]' (psycopg 3)",
    "psycopg2": "pip install psycopg2-binary, or use postgresql+psycopg:// with "
    "pip install 'loadwatch[postgres]'",
}


def default_url() -> str:
    """`$LOADWATCH_DB_URL`, else a SQLite file in the user's data directory."""
    url = os.environ.get(DB_URL_ENV)
    if url:
        return url
    folder = Path(user_data_dir("loadwatch", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'loadwatch.db'}"


def database_url(value: str) -> str:
    """The URL for what the user gave: a URL as it is, a plain path as a SQLite file.

    `runs.db`, `~/runs.db` and `/data/runs.db` are SQLite files (`~` expanded, relative paths
    made absolute); `sqlite:///~/runs.db` expands `~` too. Anything with `://` is a URL.
    """
    text = value.strip()
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().absolute()}"
    if text.startswith("sqlite:///~"):
        return f"sqlite:///{Path(text.removeprefix('sqlite:///')).expanduser()}"
    return text


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"{url!r} is neither a file path nor a database URL; give a path such as "
            "~/runs.db or a URL such as postgresql+psycopg://user@host/loadwatch"
        ) from None


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def check_sqlite_file(database: str) -> None:
    """Refuse a SQLite path that would fail or surprise: a folder that does not exist (it is
    not created: a typo must not leave an empty database somewhere), a folder given as the
    file, or a file that is not a SQLite database. A file that does not exist yet in an
    existing folder is fine: SQLite creates it.

    Raises:
        DatabaseError: naming the path and what to do.
    """
    path = Path(database)
    if path.is_dir():
        raise DatabaseError(
            f"{str(path)!r} is a folder, not a database file; give a file path such as "
            f"{str(path / 'loadwatch.db')!r}"
        )
    if not path.parent.is_dir():
        raise DatabaseError(
            f"the folder {str(path.parent)!r} for the database {path.name!r} does not exist; "
            "create it first or give another path"
        )
    if not path.exists():
        return
    with _live_lock:
        if str(path.resolve()) in _live_sqlite_files:
            return  # connected already: its header was checked before the first connection
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"cannot read the database file {str(path)!r}: {exc.strerror}") from exc
    if header and header != SQLITE_HEADER:  # an empty file is an empty SQLite database
        raise DatabaseError(
            f"{str(path)!r} is not a SQLite database; give a loadwatch database file or a "
            "new file name"
        )


def _create_private(path: Path) -> None:
    """A new SQLite file is created readable by its owner only (0600): it holds password
    hashes and health data. SQLite gives its -wal and -shm files the same mode (issue #21)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return  # an existing file keeps its mode (the admin may have chosen it)
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the database file {str(path)!r}: {exc.strerror}"
        ) from exc


def _missing_driver(url: URL, exc: ImportError) -> DatabaseError:
    module = (exc.name or "").split(".")[0]
    install = _DRIVER_PACKAGES.get(module, f"pip install {module}" if module else "")
    hint = f"; install it with: {install}" if install else ""
    return DatabaseError(
        f"the database driver for {url.drivername}:// is not installed "
        f"(no module named {module!r}){hint}"
    )


WRITE_OPTION = "loadwatch_write"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is off (SQLAlchemy's documented recipe) so that
    # _sqlite_begin decides how a transaction starts and SAVEPOINTs work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    # Two importers at once wait, for $LOADWATCH_BUSY_TIMEOUT_S (default 60 s), then one clear
    # line (db/faults.py); `_sqlite_begin` says that it waits.
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s() * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed data
    cursor.close()


QUICK_BUSY_MS = 300  # a write lock free within this is taken without a word
_wait_listeners: list[Callable[[str, float], None]] = []


def on_wait(listener: Callable[[str, float], None]) -> None:
    """Call `listener(database, timeout_s)` when a command must wait for another one's write
    lock (issue #23): the CLI prints "waiting for another loadwatch command to finish...", the
    dashboard shows it. Adding the same listener twice keeps one."""
    if listener not in _wait_listeners:
        _wait_listeners.append(listener)


def _sqlite_begin(connection: Any) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE) so two importers queue on
    busy_timeout instead of failing with SQLITE_BUSY when a read transaction upgrades.

    A lock not free within QUICK_BUSY_MS is announced to the `on_wait` listeners before the
    wait goes on (silent for a minute was issue #23's complaint), up to `busy_timeout_s`."""
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    if not immediate:
        connection.exec_driver_sql("BEGIN")
        return
    if not _wait_listeners:  # nobody to tell: wait the whole busy timeout at once
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    raw = connection.connection.driver_connection
    timeout_s = busy_timeout_s()
    raw.execute(f"PRAGMA busy_timeout={min(QUICK_BUSY_MS, int(timeout_s * 1000))}")
    try:
        raw.execute("BEGIN IMMEDIATE")
        return
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_BUSY":
            raise
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
    for listener in list(_wait_listeners):
        listener(connection.engine.url.database or "", timeout_s)
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def writer(engine: Engine) -> Engine:
    """The same engine, marked so its transactions start as writers (see `_sqlite_begin`)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for `url` (default: `default_url()`); SQLite gets WAL and foreign keys.

    `url` may be a plain path (a SQLite file, see `database_url`). Nothing is connected yet:
    `migrate` (or `check_connection`) reports a database that cannot be reached.

    Raises:
        DatabaseError: not a URL, an unknown database type, a missing driver, or a SQLite path
            in a folder that does not exist or to a file that is not a database.
    """
    parsed = _parse(database_url(url or default_url()))
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername == "postgresql":
        # SQLAlchemy's default PostgreSQL driver is psycopg2; loadwatch installs psycopg 3.
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if backend == "sqlite":
            database = parsed.database
            if database and database != ":memory:" and not database.startswith("file:"):
                check_sqlite_file(database)
                _create_private(Path(database))
                with _live_lock:
                    _live_sqlite_files.add(str(Path(database).resolve()))
            engine = create_engine(parsed, connect_args={"timeout": 60})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        connect_args: dict[str, Any] = {}
        if backend == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except NoSuchModuleError:
        raise DatabaseError(
            f"unknown database type {parsed.drivername!r} in {_shown(parsed)!r}; use a file "
            "path, sqlite:///PATH or postgresql+psycopg://user@host/database"
        ) from None
    except ImportError as exc:
        raise _missing_driver(parsed, exc) from exc


_FAULTS_AT_OPEN = frozenset(
    {Fault.DISK_FULL.value, Fault.IO_ERROR.value, Fault.BUSY.value, Fault.READ_ONLY.value}
)


def check_connection(engine: Engine) -> None:
    """Connect once, so a database that cannot be opened is one clear error.

    Raises:
        DatabaseError: the server is unreachable or refuses the login, the database does not
            exist, or the SQLite file cannot be opened or is not a database; the driver's
            error is `__cause__`.
        StorageError: the disk holding the SQLite file is full or failing, or the file is
            held by another program or read-only (db/faults.py).
    """
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        fault = storage_error(exc, engine.url)
        if fault is not None and fault.kind in _FAULTS_AT_OPEN:
            raise fault from exc  # a full disk is not "cannot open" (issue #23)
        lines = [line.strip() for line in str(exc.orig).splitlines() if line.strip()]
        reason = lines[0] if lines else type(exc.orig).__name__  # psycopg adds a hint line
        where = _shown(engine.url)
        if engine.url.get_backend_name() == "sqlite":
            raise DatabaseError(f"cannot open the SQLite database {where!r}: {reason}") from exc
        raise DatabaseError(
            f"cannot connect to the database {where!r}: {reason}; check that the server is "
            "running and that the URL is right"
        ) from exc


def migrations_dir() -> Path:
    """The Alembic scripts: packaged into the wheel, or the repository's `migrations/`."""
    packaged = _PACKAGE_DIR / "_migrations"
    return packaged if packaged.is_dir() else _PACKAGE_DIR.parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def migration_lock_path(engine: Engine) -> Path | None:
    """The file lock beside a SQLite database file (`runs.db` -> `runs.db-migrate.lock`); None
    for an in-memory database and for servers (PostgreSQL's lock is in migrations/env.py)."""
    url = engine.url
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(f"{database}-migrate.lock")


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migration at a time: threads of this process, and on a SQLite file the processes
    too. SQLite's busy timeout does not cover two first starts at once: both find no
    `alembic_version` and one fails creating it with "database is locked" (issue #13).
    The lock file stays beside the database (removing it would race with the next taker).

    Raises:
        DatabaseError: another process held the lock for MIGRATE_LOCK_TIMEOUT_S.
    """
    with _migrate_lock:
        path = migration_lock_path(engine)
        lock = _acquired(path) if path is not None else None
        try:
            yield
        finally:
            if lock is not None:
                lock.release()


def _acquired(path: Path) -> BaseFileLock | None:
    lock = FileLock(path, timeout=MIGRATE_LOCK_TIMEOUT_S)
    try:
        lock.acquire()
    except Timeout as exc:
        raise DatabaseError(
            f"another loadwatch has been migrating the database beside {str(path)!r} for "
            f"{MIGRATE_LOCK_TIMEOUT_S:.0f} s; try again when it has finished"
        ) from exc
    except OSError as exc:  # a read-only folder: nobody can write there, so nobody migrates
        log.warning("no migration lock at %s (%s); migrating without it", path, exc)
        return None
    return lock


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision`; a no-op when it is there already. Any number of
    processes may call it at once (see `_migration_lock`).

    Raises:
        DatabaseError: the database cannot be opened (`check_connection`), or another process
            kept the migration lock for MIGRATE_LOCK_TIMEOUT_S.
    """
    with _migration_lock(engine):
        check_connection(engine)
        check_schema_known(engine)
        command.upgrade(alembic_config(engine), revision)
    # migrations/env.py turns SQLite's foreign keys off for batch table rebuilds, and its
    # closing `PRAGMA foreign_keys=ON` runs inside a transaction, where SQLite ignores it: the
    # pooled connection would keep ON DELETE CASCADE off. Fresh connections get the pragmas.
    engine.dispose()


def schema_revisions(engine: Engine) -> tuple[tuple[str, ...], str | None]:
    """The database's Alembic revisions (empty: never migrated) and this loadwatch's head."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return tuple(current), script.get_current_head()


def unknown_revisions(engine: Engine) -> list[str]:
    """The database's revisions this loadwatch has no migration for (a newer one wrote them)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    current, _ = schema_revisions(engine)
    unknown = []
    for revision in current:
        try:
            known = script.get_revision(revision)
        except (RevisionError, CommandError):
            known = None
        if known is None:
            unknown.append(revision)
    return unknown


def check_schema_known(engine: Engine) -> None:
    """Refuse a database a newer loadwatch has migrated, before anything touches it.

    Raises:
        NewerSchemaError: naming the revision found and the fix (upgrade loadwatch).
    """
    unknown = unknown_revisions(engine)
    if unknown:
        raise NewerSchemaError(
            f"this database was written by a newer loadwatch (revision {unknown[0]}); upgrade "
            "loadwatch (pip install --upgrade loadwatch) to use it, or give another database; "
            "`loadwatch doctor` and `loadwatch backup` still work on it",
            revision=unknown[0],
        )


def downgrade(engine: Engine, revision: str = "base") -> None:
    with _migration_lock(engine):
        command.downgrade(alembic_config(engine), revision)
