"""PostgreSQL stopped mid-import with `pg_ctl stop -m immediate` (issue #23): what was committed
is kept, the command says how many files were saved in one line, and the same command run again
imports the rest, nothing twice.

Opt-in (LOADWATCH_TEST_PG_RESTART=1): stopping the server would break the other PostgreSQL
tests running beside it. Run it alone on a throwaway server:

    pg_virtualenv bash -c 'LOADWATCH_TEST_PG_RESTART=1 \
      LOADWATCH_TEST_PG_URL="postgresql+psycopg://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE" \
      uv run pytest -q tests/cli/test_postgres_restart.py'
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.cli.test_faults import TODAY, _one_error_line, _runs

pytestmark = pytest.mark.skipif(
    os.environ.get("LOADWATCH_TEST_PG_RESTART") != "1"
    or not os.environ.get("LOADWATCH_TEST_PG_URL")
    or shutil.which("pg_ctlcluster") is None,
    reason="opt-in: LOADWATCH_TEST_PG_RESTART=1 inside pg_virtualenv (see the module docstring)",
)
FILES = 400


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new database on the test server, dropped afterwards through a new connection (the
    conftest's `db_url` keeps a pooled one, which the restart kills)."""
    server = os.environ["LOADWATCH_TEST_PG_URL"]
    name = f"lw_restart_{uuid.uuid4().hex[:8]}"
    _admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(server: str, statement: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _cluster(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            data_directory = connection.execute(text("SHOW data_directory")).scalar_one()
            version = connection.execute(text("SHOW server_version_num")).scalar_one()
    finally:
        engine.dispose()
    return [str(int(version) // 10000), Path(data_directory).name]


def _activities(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM activities")).scalar_one())
    finally:
        engine.dispose()


def test_postgres_stopped_mid_import_keeps_the_saved_files_and_the_rerun_completes(
    pg_url: str, tmp_path: Path
) -> None:
    db_url = pg_url
    files = _runs(tmp_path / "runs", FILES, interval_s=2)
    env = {
        **os.environ,
        "LOADWATCH_TODAY": TODAY,
        "LOADWATCH_LOG_DIR": str(tmp_path / "log"),
        "LOADWATCH_DB_URL": db_url,
    }
    command = [sys.executable, "-m", "loadwatch", "import", str(files)]
    assert subprocess.run([*command[:3], "init-db"], env=env, check=False).returncode == 0
    cluster = _cluster(db_url)
    importing = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 300
        while _activities(db_url) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        subprocess.run(["pg_ctlcluster", *cluster, "stop", "-m", "immediate"], check=True)
        stdout, stderr = importing.communicate(timeout=300)
    finally:
        subprocess.run(["pg_ctlcluster", *cluster, "start"], check=False)
    result = subprocess.CompletedProcess(command, importing.returncode, stdout, stderr)

    line = _one_error_line(result)
    assert "stopped answering" in line
    assert "check that it is running, then run the same command again" in line
    saved = int(re.search(r"(\d+) files were saved before it stopped", line)[1])  # type: ignore[index]
    assert 0 < saved < FILES
    assert _activities(db_url) == saved  # committed batches survived the crash, nothing more

    again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert f"{FILES - saved} imported, 0 merged, {saved} duplicate" in again.stdout
    assert _activities(db_url) == FILES
