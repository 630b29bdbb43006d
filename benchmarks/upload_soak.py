"""The dashboard server's memory over repeated uploads (issue #23): a real Streamlit server, a
real headless Chromium, the same export archive uploaded through the Import page again and
again; the server's resident memory after each import, then after a rest.

    uv run python benchmarks/upload_soak.py                 # 20 uploads of 735 FIT files
    uv run python benchmarks/upload_soak.py --uploads 5 --files 100

Prints the server's RSS (MB) when idle on the Import page, after each upload, and after
`--rest` seconds without requests. The target (docs/performance.md): back within 100 MB of idle.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from loadwatch.synth import fit_bytes, make_track

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MB = 1024 * 1024


def export_archive(path: Path, files: int) -> None:
    """A Garmin-style zip of `files` one-second FIT runs of about 15 km (about 40 KB each)."""
    start = datetime(2024, 1, 1, 7, tzinfo=UTC)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(files):
            track = make_track(start + timedelta(days=i), 15000 + 7 * i, seed=i, interval_s=1)
            archive.writestr(f"activities/{i:04d}.fit", fit_bytes([track]))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("streamlit did not start")


def _idle(page: Page) -> None:
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=600_000
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--files", type=int, default=735)
    parser.add_argument("--rest", type=float, default=60.0)
    parser.add_argument("--app-root", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        archive = folder / "export.zip"
        export_archive(archive, args.files)
        print(f"archive: {args.files} FIT files, {archive.stat().st_size / MB:.1f} MB")
        port = _free_port()
        env = {**os.environ, "LOADWATCH_DB_URL": f"sqlite:///{folder / 'soak.db'}"}
        env["PYTHONPATH"] = str(args.app_root)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(args.app_root / "app.py"),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.maxUploadSize",
                "200",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=args.app_root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_healthy(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page()
                page.goto(f"{base}/import")
                _idle(page)
                time.sleep(2)
                idle = rss_mb(server.pid)
                print(f"idle on the Import page: {idle:.0f} MB")
                after = []
                for upload in range(1, args.uploads + 1):
                    started = time.perf_counter()
                    page.goto(f"{base}/import")
                    _idle(page)
                    page.locator("input[type=file]").set_input_files(str(archive))
                    _idle(page)
                    page.get_by_role("button", name="Import").click()
                    page.get_by_text(re.compile(r"\d+ imported, \d+ merged")).first.wait_for(
                        timeout=900_000
                    )
                    _idle(page)
                    time.sleep(1)
                    after.append(rss_mb(server.pid))
                    print(
                        f"upload {upload:2d}: {after[-1]:.0f} MB "
                        f"({time.perf_counter() - started:.0f} s)",
                        flush=True,
                    )
                time.sleep(args.rest)  # the browser stays open: its session, and its uploads
                rest = rss_mb(server.pid)
                browser.close()
            print(
                f"after {args.rest:.0f} s without requests: {rest:.0f} MB "
                f"({rest - idle:+.0f} MB against idle); highest after an upload {max(after):.0f} MB"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
