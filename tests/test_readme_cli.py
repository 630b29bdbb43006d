"""The README's command-line section, every line as written, in a fresh copy of the project
after the README's first command (issue #24).

A fresh machine after `bash scripts/dashboard.sh`: a new HOME, no `uv` on PATH (setup put it in
a virtual environment of its own, which this test points at instead of installing it again from
the network), the project copied from git's file list, the dashboard started once on a free port
(it loads the demo into its own database on first start) and stopped. Then each line of the
README's bash block runs in bash as it is written; the `watch` line runs until Ctrl-C, as a
user would stop it. Slow by nature (about three minutes): it builds an environment and the demo.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

UV_VENV = Path(os.environ.get("LOADWATCH_UV_VENV", Path.home() / ".local/share/loadwatch/uv-venv"))


def cli_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "README's command-line section has no bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_every_readme_cli_line_uses_the_wrapper_and_no_placeholder() -> None:
    lines = cli_lines()
    assert lines[0].startswith('export LOADWATCH_DB_URL="$(scripts/loadwatch demo --path)"')
    for line in lines:
        command = line.split("#", 1)[0]
        assert "[" not in command, f"a placeholder in {line!r}"
        assert "uv run" not in command, f"{line!r}: uv is not on a new user's PATH"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fresh_copy(target: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name.decode())
    return target


def _environment(home: Path) -> dict[str, str]:
    """A new user's shell: their own HOME, and no uv on PATH (setup's lives in its own venv)."""
    (home / ".local/share/loadwatch").mkdir(parents=True)
    (home / ".local/share/loadwatch/uv-venv").symlink_to(UV_VENV)
    cache = subprocess.run(
        [str(UV_VENV / "bin/uv"), "cache", "dir"], capture_output=True, text=True, check=True
    ).stdout.strip()
    path = [d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "uv").exists() and d]
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOADWATCH_", "UV_", "VIRTUAL_ENV"))
    }
    return {
        **keep,
        "HOME": str(home),
        "PATH": os.pathsep.join(path),
        "UV_CACHE_DIR": cache,  # the packages are cached; a new machine would download them
        "UV_OFFLINE": "1",
        "LOADWATCH_LOG_DIR": str(home / "logs"),
        "LOADWATCH_ARGON2_PROFILE": "CHEAPEST",
    }


def _first_command(clone: Path, env: dict[str, str], log: Path) -> None:
    """`bash scripts/dashboard.sh` until its server answers, then Ctrl-C, as a user would."""
    port = _free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["bash", "scripts/dashboard.sh", "--port", str(port)],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 400
            while time.monotonic() < deadline:
                assert server.poll() is None, log.read_text()
                try:
                    url = f"http://127.0.0.1:{port}/_stcore/health"
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(1)
            else:
                pytest.fail(f"the dashboard did not start:\n{log.read_text()}")
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=60)


def _watch(line: str, clone: Path, env: dict[str, str]) -> str:
    """The watch line: started, left until it is watching, then stopped with Ctrl-C."""
    process = subprocess.Popen(
        ["bash", "-c", "set -euo pipefail; " + line],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    seen = []
    for text in process.stdout:
        seen.append(text)
        if text.startswith("Watching "):
            break
    os.killpg(process.pid, signal.SIGINT)
    try:
        rest, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        tree = subprocess.run(
            ["ps", "-o", "pid,stat,wchan:24,args", "-g", str(process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"watch did not stop 120 s after Ctrl-C; its processes:\n{tree}")
    output = "".join(seen) + rest
    # 130 is how a shell reports a command stopped by Ctrl-C (128 + SIGINT); the command
    # itself said goodbye properly, which is what a user sees.
    assert process.returncode in (0, 130), output
    assert "Stopped watching" in output, output
    return output


@pytest.mark.slow  # a fresh copy, its environment and the demo: minutes
def test_the_readme_cli_lines_work_as_written_after_the_first_command(tmp_path: Path) -> None:
    if not (UV_VENV / "bin/uv").exists():
        pytest.skip(f"setup's uv is not at {UV_VENV} (bash scripts/setup.sh puts it there)")
    clone = _fresh_copy(tmp_path / "loadwatch")
    env = _environment(tmp_path / "home")
    _first_command(clone, env, tmp_path / "dashboard.log")
    assert not (clone / ".venv/bin/mypy").exists(), "the user's commands installed the dev tools"

    lines = cli_lines()
    first = subprocess.run(
        ["bash", "-c", f'set -euo pipefail\n{lines[0]}\necho "$LOADWATCH_DB_URL"'],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    env["LOADWATCH_DB_URL"] = first.stdout.strip().splitlines()[-1]
    assert env["LOADWATCH_DB_URL"].endswith("loadwatch-demo.db")
    outputs = {}
    for line in lines[1:]:
        if "scripts/loadwatch watch " in line.split("#", 1)[0]:
            outputs[line] = _watch(line, clone, env)
            continue
        done = subprocess.run(
            ["bash", "-c", "set -euo pipefail; " + line],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        assert "Error" not in done.stderr, f"{line}\n{done.stderr}"
        outputs[line] = done.stdout
    report = next(
        out
        for line, out in outputs.items()
        if line.split("#")[0].strip().endswith("report --athlete ana")
    )
    assert report.startswith("Ana, as of")
    assert not (clone / ".venv/bin/mypy").exists(), "a user's command installed the dev tools"
