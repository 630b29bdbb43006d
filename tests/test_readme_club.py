"""The README's club section, run as written (issue #11): an admin, a coach, two runners, a
squad; a runner joins; the coach sees them. `uv run loadwatch` is this interpreter's loadwatch;
the last line (`dashboard --club`, which serves until stopped) is started by
tests/browser/test_club.py instead."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from loadwatch import services
from tests.conftest import ROOT


def _club_block() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Club mode", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "README's club section has no bash block"
    return block.group(1).strip().splitlines()


@pytest.mark.slow  # real processes, one after the other in one worker (issue #19)
@pytest.mark.xdist_group("processes")
def test_the_readme_club_section_works_as_written(tmp_path: Path) -> None:
    lines = _club_block()
    assert lines[-1] == "uv run loadwatch dashboard --club --behind-proxy"
    shim = (
        'uv() { [ "$1" = run ] && shift; [ "$1" = loadwatch ] && shift; '
        f'"{sys.executable}" -m loadwatch "$@"; }}'
    )
    script = "\n".join(["set -euo pipefail", shim, *lines[:-1]])
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Tuesday group" in done.stdout and "ana" in done.stdout
    first = dict(re.findall(r"First password for (\w+): (\S+) ", done.stdout))
    assert sorted(first) == ["ana", "ben", "kim", "root"], done.stdout
    engine = services.open_database(f"sqlite:///{tmp_path / 'club.db'}")
    kim = services.login(engine, "kim", first["kim"], source="192.0.2.1")
    assert kim.must_change_password  # typed at the server: the first login asks for a new one
    assert [r.athlete for r in services.squad_overview(engine, actor=kim.actor)] == ["ana"]
    ben = services.login(engine, "ben", first["ben"], source="192.0.2.1").actor
    assert [a.name for a in services.list_athletes(engine, actor=ben)] == ["ben"]
    engine.dispose()


def test_the_old_readme_passwords_are_refused(tmp_path: Path) -> None:
    from loadwatch.errors import InputError

    engine = services.open_database(f"sqlite:///{tmp_path / 'club.db'}")
    for old in ("change-me-admin", "change-me-coach", "change-me-ana-1"):
        try:
            services.add_user(engine, "root", "admin", old)
        except InputError:
            continue
        raise AssertionError(f"{old!r} was accepted")
