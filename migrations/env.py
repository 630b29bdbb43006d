"""Alembic environment: the engine comes from loadwatch.db.engine or $LOADWATCH_DB_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from loadwatch.db.engine import make_engine
from loadwatch.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine()
    with engine.connect() as connection:
        is_sqlite = connection.dialect.name == "sqlite"
        if is_sqlite:
            # Batch mode rebuilds a table to alter it; with foreign keys on, dropping the old copy
            # fails while other tables point at it. The pragma only works outside a transaction,
            # so it goes straight to the driver; foreign_key_check below proves nothing broke.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Two processes starting at once: the second waits, then finds head applied.
                connection.execute(text("SELECT pg_advisory_xact_lock(427711)"))
            context.run_migrations()
            if is_sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        if is_sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `loadwatch init-db`")
run_migrations_online()
