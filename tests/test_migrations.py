"""Alembic: head on an empty database, no model drift, down to base and up again, data kept."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from loadwatch.db.engine import alembic_config, downgrade, make_engine, migrate
from loadwatch.db.models import Base
from tests.conftest import DATA


def test_upgrade_head_creates_every_model_table_and_check_finds_no_drift(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    command.check(alembic_config(engine))  # raises if the models and migrations differ


def test_downgrade_to_base_and_upgrade_again(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_each_step_down_and_up_keeps_the_run_log(engine: Engine) -> None:
    from loadwatch import services

    services.import_paths(engine, [DATA / "fit/run-5k-session.fit"], athlete="ana")
    revisions = [
        r.revision for r in ScriptDirectory.from_config(alembic_config(engine)).walk_revisions()
    ]
    for revision in revisions[:-1]:  # every step except the first (which creates the log)
        downgrade(engine, "-1")
        migrate(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM activities")).scalar() == 1, (
                revision
            )
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM athletes")).scalar() == "ana"


def test_suite_runs_on_the_configured_backend(engine: Engine) -> None:
    import os

    from tests.conftest import PG_URL_ENV

    expected = "postgresql" if os.environ.get(PG_URL_ENV) else "sqlite"
    assert engine.dialect.name == expected
