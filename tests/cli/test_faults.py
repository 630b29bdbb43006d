"""The faults a user meets (issue #23), each through the real command in a fresh process: one
`Error:` line naming the cause and the fix, exit code 1, no traceback on screen (it is in the
log file), the data as before, and the same command run again completes."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch.synth import fit_bytes, make_track

TODAY = "2026-03-20"
FAKE_REVISION = "ffffffffffff"


def _run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "LOADWATCH_TODAY": TODAY, **(env or {})}
    full_env.pop("LOADWATCH_DB_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "loadwatch", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The run failed with exit code 1 and exactly one `Error:` line, no traceback."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def _runs(folder: Path, count: int, *, interval_s: int = 5) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2025, 1, 1, 7, tzinfo=UTC)
    for i in range(count):
        track = make_track(start + timedelta(hours=12 * i), 3000 + i, seed=i, interval_s=interval_s)
        (folder / f"run-{i:03d}.fit").write_bytes(fit_bytes([track]))
    return folder


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    return tmp_path / "log"


@pytest.fixture
def env(log_dir: Path) -> dict[str, str]:
    return {"LOADWATCH_LOG_DIR": str(log_dir)}


def _mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


def _unmount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs: a database there fills up during an import of a few hundred runs."""
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "2m")
    try:
        yield disk
    finally:
        _unmount(disk)


@pytest.mark.slow  # real loadwatch processes, one after another (issue #19: scheduled first)
def test_disk_full_during_import_keeps_the_saved_files_and_the_rerun_completes(
    small_disk: Path, tmp_path: Path, env: dict[str, str], log_dir: Path
) -> None:
    files = _runs(tmp_path / "runs", 400, interval_s=2)  # about 5 MB stored
    db = small_disk / "loadwatch.db"
    assert _run("--db", str(db), "init-db", env=env).returncode == 0

    full = _run("--db", str(db), "import", str(files), env=env)

    line = _one_error_line(full)
    assert f"the disk holding '{db}' is full: " in line
    assert "free space and run the same command again, the rest will be imported" in line
    saved = int(line.split("is full: ")[1].split(" files were saved")[0])
    assert 0 < saved < 400
    assert _count(db, "activities") == saved  # every file reported saved is there, whole
    assert _count(db, "original_files") == saved  # and nothing half-written beside them
    assert "Traceback" in (log_dir / "loadwatch.log").read_text()

    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    again = _run("--db", str(db), "import", str(files), env=env)
    assert again.returncode == 0, again.stderr
    assert f"{400 - saved} imported, 0 merged, {saved} duplicate" in again.stdout
    assert _count(db, "activities") == 400


@pytest.mark.slow  # real loadwatch processes, one after another (issue #19: scheduled first)
def test_pain_log_and_reimport_on_a_full_disk_are_one_line_and_change_nothing(
    small_disk: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    db = small_disk / "loadwatch.db"
    assert (
        _run("--db", str(db), "import", str(_runs(tmp_path / "runs", 3)), env=env).returncode == 0
    )
    filler = small_disk / "filler"
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={filler}", "bs=4k"],
        capture_output=True,
        check=False,
    )

    pain = _run("--db", str(db), "pain", "log", "--during", "3", "--after", "2", env=env)
    reimport = _run("--db", str(db), "reimport", env=env)

    assert f"the disk holding '{db}' is full" in _one_error_line(pain)
    assert "run the same command again" in _one_error_line(pain)
    assert "is full" in _one_error_line(reimport)
    filler.unlink()
    assert _count(db, "pain_entries") == 0
    assert _run("--db", str(db), "pain", "log", "--during", "3", env=env).returncode == 0
    assert _run("--db", str(db), "reimport", env=env).returncode == 0
    assert _count(db, "pain_entries") == 1


def _nested_zip(inner_files: int = 20) -> bytes:
    inner = io.BytesIO()
    start = datetime(2025, 6, 1, 7, tzinfo=UTC)
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as archive:
        for i in range(inner_files):
            track = make_track(start + timedelta(days=i), 5000, seed=i, interval_s=1)
            archive.writestr(f"activities/{i}.fit", fit_bytes([track]))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/inner.zip", inner.getvalue())
    return outer.getvalue()


def test_a_full_temporary_folder_is_a_disk_problem_not_a_damaged_archive(
    tmp_path: Path, env: dict[str, str]
) -> None:
    temp = tmp_path / "tmp"
    _mount_tmpfs(temp, "64k")
    try:
        export = tmp_path / "export.zip"
        export.write_bytes(_nested_zip())
        db = tmp_path / "loadwatch.db"

        full = _run("--db", str(db), "import", str(export), env={**env, "TMPDIR": str(temp)})

        line = _one_error_line(full)
        assert f"the disk holding the temporary folder '{temp}' is full" in line
        assert "TMPDIR" in line
        assert "damaged" not in full.stdout + full.stderr
    finally:
        _unmount(temp)
    again = _run("--db", str(db), "import", str(export), env=env)
    assert again.returncode == 0, again.stderr
    assert "20 imported" in again.stdout


HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
"""


def test_a_database_held_by_another_writer_waits_visibly_then_names_the_holder(
    tmp_path: Path, env: dict[str, str]
) -> None:
    db = tmp_path / "loadwatch.db"
    assert (
        _run("--db", str(db), "import", str(_runs(tmp_path / "runs", 1)), env=env).returncode == 0
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        busy_env = {**env, "LOADWATCH_BUSY_TIMEOUT_S": "1"}  # documented in docs/cli.md

        held = _run("--db", str(db), "pain", "log", "--during", "3", env=busy_env, timeout=60)

        assert "Waiting for another loadwatch command to finish" in held.stderr
        assert "up to 1 s" in held.stderr
        line = _one_error_line(held)
        assert f"the database '{db}' is busy: another program kept it locked for 1 s" in line
        assert f"process {holder.pid} " in line
        assert "LOADWATCH_BUSY_TIMEOUT_S" in line
    finally:
        holder.communicate("", timeout=30)
    assert _count(db, "pain_entries") == 0
    assert _run("--db", str(db), "pain", "log", "--during", "3", env=env).returncode == 0
    assert _count(db, "pain_entries") == 1


@pytest.mark.slow  # real loadwatch processes, one after another (issue #19: scheduled first)
def test_a_read_only_database_is_one_line_and_reading_still_works(
    tmp_path: Path, env: dict[str, str]
) -> None:
    db = tmp_path / "loadwatch.db"
    runs = _runs(tmp_path / "runs", 2)
    assert _run("--db", str(db), "import", str(runs / "run-000.fit"), env=env).returncode == 0
    # SQLite's own read-only mode: the same SQLITE_READONLY a file without write permission
    # gives (which root, who runs these tests here, cannot be denied).
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"

    refused = _run("--db", read_only, "import", str(runs / "run-001.fit"), env=env)

    line = _one_error_line(refused)
    assert f"the database '{db}' is read-only" in line
    assert "commands that only read still work" in line
    assert _run("--db", read_only, "athletes", env=env).returncode == 0
    assert _count(db, "activities") == 1
    assert _run("--db", str(db), "import", str(runs / "run-001.fit"), env=env).returncode == 0
    assert _count(db, "activities") == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to a file without write permission")
def test_a_database_file_without_write_permission_is_one_line(
    tmp_path: Path, env: dict[str, str]
) -> None:
    db = tmp_path / "loadwatch.db"
    runs = _runs(tmp_path / "runs", 2)
    assert _run("--db", str(db), "import", str(runs / "run-000.fit"), env=env).returncode == 0
    db.chmod(0o444)
    try:
        line = _one_error_line(_run("--db", str(db), "import", str(runs / "run-001.fit"), env=env))
    finally:
        db.chmod(0o644)
    assert "is read-only" in line
    assert _count(db, "activities") == 1


@pytest.mark.slow  # real loadwatch processes, one after another (issue #19: scheduled first)
def test_a_database_from_a_newer_loadwatch_is_refused_but_doctor_and_backup_work(
    tmp_path: Path, env: dict[str, str]
) -> None:
    db = tmp_path / "loadwatch.db"
    assert (
        _run("--db", str(db), "import", str(_runs(tmp_path / "runs", 1)), env=env).returncode == 0
    )
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (FAKE_REVISION,))

    for command in (["athletes"], ["pain", "log", "--during", "2"], ["dashboard", "--port", "1"]):
        line = _one_error_line(_run("--db", str(db), *command, env=env, timeout=60))
        assert (
            f"this database was written by a newer loadwatch (revision {FAKE_REVISION}); "
            "upgrade loadwatch" in line
        )
    doctor = _run("--db", str(db), "doctor", env=env)
    assert doctor.returncode == 1
    assert f"written by a newer loadwatch (revision {FAKE_REVISION})" in doctor.stdout
    assert "PRAGMA quick_check: ok" in doctor.stdout
    backup = tmp_path / "backup.db"
    assert _run("--db", str(db), "backup", str(backup), env=env).returncode == 0
    assert _count(backup, "activities") == 1
    with sqlite3.connect(db) as connection:  # the stamp is all that was changed, and stays
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            FAKE_REVISION,
        )


def _damage_a_page(db: Path) -> None:
    """Overwrite one 4 KB page in the middle of the file, as a failing disk might."""
    with sqlite3.connect(db) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    with db.open("r+b") as handle:
        handle.seek(page_size * (pages // 2))
        handle.write(b"\xa5" * page_size)


def test_a_damaged_page_is_found_before_reimport_writes_and_by_doctor(
    tmp_path: Path, env: dict[str, str]
) -> None:
    db = tmp_path / "loadwatch.db"
    assert (
        _run("--db", str(db), "import", str(_runs(tmp_path / "runs", 30)), env=env).returncode == 0
    )
    _damage_a_page(db)
    before = db.read_bytes()

    reimport = _run("--db", str(db), "reimport", env=env)
    init_db = _run("--db", str(db), "init-db", env=env)
    doctor = _run("--db", str(db), "doctor", env=env)

    for result in (reimport, init_db):
        line = _one_error_line(result)
        assert f"the database file '{db}' is damaged" in line
        assert "restore it from a backup" in line
    assert "nothing was changed" in _one_error_line(reimport)
    assert doctor.returncode == 1
    assert "problem integrity: PRAGMA quick_check found" in doctor.stdout
    assert db.read_bytes() == before


@pytest.mark.slow  # real loadwatch processes, one after another (issue #19: scheduled first)
def test_backup_writes_a_consistent_copy_and_never_overwrites(
    tmp_path: Path, env: dict[str, str]
) -> None:
    db = tmp_path / "loadwatch.db"
    assert (
        _run("--db", str(db), "import", str(_runs(tmp_path / "runs", 3)), env=env).returncode == 0
    )
    copy = tmp_path / "copy.db"

    made = _run("--db", str(db), "backup", str(copy), env=env)
    again = _run("--db", str(db), "backup", str(copy), env=env)

    assert made.returncode == 0, made.stderr
    assert _count(copy, "activities") == 3
    assert "already exists" in _one_error_line(again)
    doctor = _run("--db", str(copy), "doctor", env=env)
    assert doctor.returncode == 0, doctor.stdout
