"""Migrations take a file lock beside a SQLite database (issue #13): any number of first starts
at once all succeed, where two used to fail with "database is locked" creating
`alembic_version`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from filelock import FileLock

from loadwatch.db import engine as db_engine
from loadwatch.db.engine import make_engine, migrate, migration_lock_path
from loadwatch.errors import DatabaseError
from loadwatch.synth import fit_bytes, make_track

PROCESSES = 4


def _fit(path: Path, day: int) -> None:
    started = datetime(2026, 3, day, 7, tzinfo=UTC)
    path.write_bytes(fit_bytes([make_track(started, 5000, 330, seed=day, interval_s=30)]))


@pytest.mark.slow  # real processes, one after the other in one worker (issue #19)
@pytest.mark.xdist_group("processes")
def test_four_first_imports_at_once_into_one_new_sqlite_file_all_succeed(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    for day in (1, 3, 5):
        _fit(shared / f"{day}.fit", day)
    own = []
    for i in range(PROCESSES):
        _fit(tmp_path / f"own-{i}.fit", 10 + i)
        own.append(tmp_path / f"own-{i}.fit")
    db = tmp_path / "new.db"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("LOADWATCH_DB_URL", None)
    go = tmp_path / "go"
    # Each child waits for the same file to appear, so the four first starts really overlap.
    starter = (
        "import os, sys, time\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.005)\n"
        "from loadwatch.cli import cli\n"
        "sys.exit(cli())\n"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", starter, "--db", str(db), "import", str(shared), str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in own
    ]
    go.touch()
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, out + err
        assert "Traceback" not in out + err
    with sqlite3.connect(db) as connection:
        started = [row[0] for row in connection.execute("SELECT started_at FROM activities")]
    assert len(started) == len(set(started)) == 3 + PROCESSES  # every activity exactly once
    assert migration_lock_path(make_engine(str(db))) == Path(f"{db}-migrate.lock")


def test_a_migration_waits_for_another_process_holding_the_lock(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "runs.db"))
    path = migration_lock_path(engine)
    assert path is not None
    holder = FileLock(path)
    holder.acquire()
    done = threading.Event()
    worker = threading.Thread(target=lambda: (migrate(engine), done.set()))
    worker.start()
    try:
        assert not done.wait(0.5)  # blocked on the other holder's lock
    finally:
        holder.release()
    worker.join(timeout=60)
    assert done.is_set()


def test_a_lock_held_too_long_is_one_database_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_engine, "MIGRATE_LOCK_TIMEOUT_S", 0.2)
    engine = make_engine(str(tmp_path / "runs.db"))
    path = migration_lock_path(engine)
    assert path is not None
    with FileLock(path), pytest.raises(DatabaseError, match="another loadwatch has been migrating"):
        migrate(engine)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_memory_databases_need_no_lock_file(url: str) -> None:
    assert migration_lock_path(make_engine(url)) is None
