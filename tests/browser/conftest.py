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


# Streamlit's own start-up options for a test server: no file watcher (no test edits the source
# while it runs, and watching walks every imported module after each script run) and no usage
# statistics (.streamlit/config.toml says so too).
SERVER_OPTIONS = [
    "--server.headless",
    "true",
    "--server.fileWatcherType",
    "none",
    "--server.runOnSave",
    "false",
    "--browser.gatherUsageStats",
    "false",
]


def start_streamlit(db_url: str, log_folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run app.py` on a database URL and a free port; the process and, once its
    health check answers, its base URL."""
    port = _free_port()
    env = {**os.environ, "LOADWATCH_DB_URL": db_url, "LOADWATCH_TODAY": DEMO_TODAY}
    log = (log_folder / f"streamlit-{port}.log").open("wb")
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
    command += ["--server.port", str(port), *SERVER_OPTIONS]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        return proc, wait_until_healthy(f"http://127.0.0.1:{port}", log.name)
    except BaseException:
        proc.terminate()
        proc.wait(timeout=20)
        raise


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Start `streamlit run app.py` on a database URL; returns the base URL. For a test that
    writes to its database: a server of its own on the test's own copy."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(db_url: str) -> str:
        proc, base = start_streamlit(db_url, tmp_path)
        procs.append(proc)
        return base

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def demo_server(sample_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Streamlit server on the demo squad (`sample_url`) per pytest-xdist worker, shared by
    the tests that only read the demo (each in a browser page, so a Streamlit session, of its
    own); its base URL. A test that writes starts its own server on a copy (`serve`). Issue #19:
    a server per test spent most of a short test starting Streamlit and running the first page's
    imports."""
    proc, base = start_streamlit(sample_url, tmp_path_factory.mktemp("demo-server"))
    yield base
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
