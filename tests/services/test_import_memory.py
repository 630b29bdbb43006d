"""Peak memory follows the bytes in flight, not a number of files (issue #13): an archive of many
large members stays under 500 MB, by the CLI and by the dashboard's upload path, each measured
in a fresh process. The expansion budget reaches the services: one message per hostile archive,
the rest of the import goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from benchmarks import hostile
from loadwatch import services
from loadwatch.cli import cli
from loadwatch.domain import ImportStatus
from loadwatch.errors import InputError
from loadwatch.importers.budget import ExpansionLimits
from tests.conftest import DATA
from tests.services.conftest import TODAY

MB = 1024 * 1024
PEAK_LIMIT_MB = 500  # the bound for the CLI and the dashboard server
# 24 members of 24 MB: 576 MB of members. Batched by a number of files (64), all of them would
# be in memory at once, well past the limit; batched by bytes, one or two are.
MEMBERS, MEMBER_BYTES = 24, 24 * MB

_UPLOAD = """
import sys
from pathlib import Path
from loadwatch import services
from loadwatch.db.engine import make_engine, migrate
engine = make_engine(sys.argv[2])
migrate(engine)
results = services.import_uploads(engine, [("large.zip", Path(sys.argv[1]).read_bytes())])
assert len(results) == int(sys.argv[3]), len(results)
"""


@pytest.fixture(scope="module")
def large_members(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "large.zip"
    hostile.large_members(path, MEMBERS, MEMBER_BYTES)
    assert path.stat().st_size < 20 * MB  # small on disk, 576 MB expanded
    return path


def _peak_mb(command: list[str]) -> tuple[int, float]:
    """Exit code and peak resident memory (MB) of a fresh process running `command`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOADWATCH_")}
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss / 1024  # Linux reports KiB


@pytest.mark.parametrize("path", ["cli", "upload"])
def test_many_large_members_stay_under_the_memory_bound(
    path: str, large_members: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "runs.db")
    if path == "cli":
        command = [sys.executable, "-m", "loadwatch", "--db", db, "import", str(large_members)]
    else:
        command = [sys.executable, "-c", _UPLOAD, str(large_members), db, str(MEMBERS)]
    code, peak_mb = _peak_mb(command)
    assert code == (1 if path == "cli" else 0)  # the CLI: nothing could be imported (junk)
    assert peak_mb < PEAK_LIMIT_MB


def test_a_bomb_among_files_is_one_rejection_and_the_rest_is_imported(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "42.zip").write_bytes(hostile.nested_bomb(width=8, member_bytes=16 * MB))
    (folder / "run.fit").write_bytes((DATA / "fit/run-5k-session.fit").read_bytes())
    results = services.import_paths(engine, [folder], today=TODAY)
    assert [(Path(r.filename).name, r.status) for r in results] == [
        ("42.zip", ImportStatus.REJECTED),
        ("run.fit", ImportStatus.IMPORTED),
    ]
    assert "zip bomb" in results[0].message


def test_limits_can_be_given_to_an_import(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "junk.zip"
    hostile.junk_members(path, 50)
    results = services.import_paths(
        engine, [path], today=TODAY, limits=ExpansionLimits(max_members=20)
    )
    assert len(results) == 1
    assert "the limit for one import ($LOADWATCH_MAX_ARCHIVE_MEMBERS)" in results[0].message


def test_a_bad_limit_variable_is_one_error_line_in_the_cli(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOADWATCH_MAX_ARCHIVE_MEMBERS", "many")
    with pytest.raises(InputError, match="LOADWATCH_MAX_ARCHIVE_MEMBERS"):
        services.import_uploads(engine, [])
    fit = DATA / "fit/run-5k-session.fit"
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "b.db"), "import", str(fit)])
    assert result.exit_code == 1
    assert "Error: $LOADWATCH_MAX_ARCHIVE_MEMBERS must be a whole number above 0" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
