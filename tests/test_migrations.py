"""Alembic: head on an empty database, no model drift, down to base and up again, data kept."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from loadwatch import services
from loadwatch.db.engine import alembic_config, downgrade, make_engine, migrate
from loadwatch.db.models import Base
from loadwatch.domain import default_activity_name
from tests.conftest import DATA, PG_URL_ENV

FIRST_REVISION = "0675501947dd"


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    """Migrated here by the real migrations from an empty database (the rest of the suite
    copies a template migrated once per session, tests/conftest.py)."""
    engine = make_engine(empty_db_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_upgrade_head_creates_every_model_table_and_check_finds_no_drift(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    command.check(alembic_config(engine))  # raises if the models and migrations differ


def test_downgrade_to_base_and_upgrade_again(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    migrate(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM activities")).scalar_one())


def test_each_step_down_and_up_keeps_the_run_log(engine: Engine) -> None:
    services.import_paths(engine, [DATA / "fit/run-5k-session.fit", DATA / "gpx"], athlete="ana")
    config = alembic_config(engine)
    revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]
    assert len(revisions) >= 2
    for step in range(len(revisions) - 1):  # every step but the first, which creates the log
        downgrade(engine, "-1")
        assert _count(engine) == 3, f"activities lost going down step {step}"
    migrate(engine)
    assert _count(engine) == 3
    assert [a.name for a in services.list_athletes(engine)] == ["ana"]


def test_activity_names_migration_backfills_what_the_app_would_name_them(engine: Engine) -> None:
    services.import_paths(engine, [DATA / "fit", DATA / "gpx"], athlete="ana")
    before = _count(engine)
    downgrade(engine, FIRST_REVISION)  # before activities had names
    migrate(engine)  # the upgrade back-fills them in SQL
    rows = services.list_activities(engine, "ana")
    assert len(rows) == before > 5
    assert {row.sport.value for row in rows} >= {"run", "ride", "swim"}
    for row in rows:
        local_s = row.started_at.timestamp() + row.utc_offset_s
        assert row.name == default_activity_name(row.sport.value, int(local_s // 3600 % 24)), row


def test_suite_runs_on_the_configured_backend(engine: Engine) -> None:
    expected = "postgresql" if os.environ.get(PG_URL_ENV) else "sqlite"
    assert engine.dialect.name == expected


SOURCES_REVISION = "8285878f3e15"  # activity_sources and activities.sport_source (issue #10)


def test_activity_sources_migration_backfills_one_source_per_activity_and_goes_back(
    engine: Engine,
) -> None:
    services.import_paths(engine, [DATA / "fit", DATA / "gpx"], athlete="ana")
    before = services.list_activities(engine, "ana")
    downgrade(engine, f"{SOURCES_REVISION}-1")  # existing rows without sources
    assert "activity_sources" not in inspect(engine).get_table_names()
    assert _count(engine) == len(before)
    migrate(engine)  # the upgrade back-fills one source per activity
    with engine.connect() as connection:
        sources = connection.execute(
            text(
                "SELECT a.id, s.sha256, s.session_index, a.source_sha256, a.session_index, "
                "s.sport_source, a.sport_source "
                "FROM activities a JOIN activity_sources s ON s.activity_id = a.id"
            )
        ).all()
    assert len(sources) == len(before)
    for _, sha, index, primary_sha, primary_index, source_kind, sport_kind in sources:
        assert (sha, index) == (primary_sha, primary_index)
        assert source_kind == sport_kind == "declared"
    after = services.list_activities(engine, "ana")
    assert [(r.id, r.sport, r.distance_m) for r in after] == [
        (r.id, r.sport, r.distance_m) for r in before
    ]
    summary = services.reimport(engine)  # re-derived from the back-filled sources' files
    assert summary.failed == [] and summary.updated == len(before)
    assert {r.id for r in services.list_activities(engine, "ana")} == {r.id for r in before}
