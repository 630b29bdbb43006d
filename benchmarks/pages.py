"""Page loads in a real headless Chromium against a real Streamlit server (issue #27).

    uv run python benchmarks/views.py --keep /tmp/views.db      # once: the squad and the runner
    uv run python benchmarks/pages.py --db sqlite:////tmp/views.db
    uv run python benchmarks/pages.py --db ... --root /path/to/another/checkout   # before/after

For each page: `--cold` loads, each the page's first load on a freshly started server (nothing
cached), then `--warm` loads of the same page, each in a new browser context (a new Streamlit
session, as a reload is) on that server. A load is timed from navigation until Streamlit's
script has run to the end (`data-test-script-state=notRunning`, the app's main block drawn).
The Import page is the baseline: Streamlit's own cost. Prints median and best per page.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TODAY = "2026-11-20"
RUNNER = "ten-years"
PAGES = {
    "Import (baseline)": "import",
    "This week, 10-year runner": f"?athlete={RUNNER}",
    "Activities, 10-year runner": f"activities?athlete={RUNNER}",
    "Calendar, 10-year runner": f"calendar?athlete={RUNNER}",
    "Squad": "squad",
}
DONE = "[data-testid=stApp][data-test-script-state=notRunning]"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(root: Path, db_url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = {
        **os.environ,
        "LOADWATCH_DB_URL": db_url,
        "LOADWATCH_TODAY": TODAY,
        "PYTHONPATH": str(root),
    }
    command = [sys.executable, "-m", "streamlit", "run", str(root / "app.py")]
    command += ["--server.port", str(port), "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(
        command, cwd=root, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"streamlit did not start; see {log}")


def _load(browser: Browser, url: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("[data-testid=stMainBlockContainer]", timeout=120_000)
    page.wait_for_timeout(100)  # the script starts after the page connects
    page.wait_for_selector(DONE, timeout=120_000)
    elapsed = time.perf_counter() - start
    if page.locator("[data-testid=stException]").count():
        raise SystemExit(f"{url} raised: {page.locator('[data-testid=stException]').inner_text()}")
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="the database views.py seeded")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--warm", type=int, default=15)
    args = parser.parse_args()
    root = Path(args.root).resolve()
    print(f"{root}: {args.cold} cold and {args.warm} warm loads per page, {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for label, path in PAGES.items():
            cold, warm = [], []
            for run in range(args.cold):
                proc, base = _start(root, args.db, Path(folder) / f"streamlit-{run}.log")
                try:
                    cold.append(_load(browser, f"{base}/{path}"))
                    if run == args.cold - 1:
                        warm = [_load(browser, f"{base}/{path}") for _ in range(args.warm)]
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
            print(
                f"  {label}: cold median {statistics.median(cold):.1f} s (best {min(cold):.1f}),"
                f" warm median {statistics.median(warm):.1f} s (best {min(warm):.1f}),"
                f" load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        browser.close()


if __name__ == "__main__":
    main()
