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


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `loadwatch init-db`")
run_migrations_online()
