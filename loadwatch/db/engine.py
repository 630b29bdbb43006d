"""Engine creation (SQLite pragmas, default location) and running the Alembic migrations."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DB_URL_ENV = "LOADWATCH_DB_URL"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_migrate_lock = threading.Lock()


def default_url() -> str:
    """`$LOADWATCH_DB_URL`, else a SQLite file in the user's data directory."""
    url = os.environ.get(DB_URL_ENV)
    if url:
        return url
    folder = Path(user_data_dir("loadwatch", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'loadwatch.db'}"


WRITE_OPTION = "loadwatch_write"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is off (SQLAlchemy's documented recipe) so that
    # _sqlite_begin decides how a transaction starts and SAVEPOINTs work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA busy_timeout=60000")  # two importers at once wait, never fail
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed data
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE) so two importers queue on
    busy_timeout instead of failing with SQLITE_BUSY when a read transaction upgrades."""
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine, marked so its transactions start as writers (see `_sqlite_begin`)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for `url` (default: `default_url()`); SQLite gets WAL and foreign keys."""
    url = url or default_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrations_dir() -> Path:
    """The Alembic scripts: packaged into the wheel, or the repository's `migrations/`."""
    packaged = _PACKAGE_DIR / "_migrations"
    return packaged if packaged.is_dir() else _PACKAGE_DIR.parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision`; a no-op when it is there already."""
    with _migrate_lock:
        command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with _migrate_lock:
        command.downgrade(alembic_config(engine), revision)
