"""A real Streamlit server and a real headless Chromium (Debian's, never a downloaded build)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import DEMO_TODAY, ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(base: str, log_name: str) -> str:
    """`base` once Streamlit's health check answers (60 s at most); the log names the cause."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return base
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not start; see {log_name}")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Start `streamlit run app.py` on a database URL; returns the base URL."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(db_url: str) -> str:
        port = _free_port()
        env = {**os.environ, "LOADWATCH_DB_URL": db_url, "LOADWATCH_TODAY": DEMO_TODAY}
        log = (tmp_path / f"streamlit-{port}.log").open("wb")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    str(ROOT / "app.py"),
                    "--server.port",
                    str(port),
                    "--server.headless",
                    "true",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        return wait_until_healthy(f"http://127.0.0.1:{port}", log.name)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh --dev installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


def wait_idle(page) -> None:
    """Wait until Streamlit has finished running the script for the last interaction."""
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)
    page.wait_for_timeout(300)


def screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots when LOADWATCH_SCREENSHOT_DIR asks for it, else the test's tmp dir."""
    folder = Path(os.environ.get("LOADWATCH_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
