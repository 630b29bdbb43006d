"""Speed and memory of loadwatch against plain fitparse and gpxpy, in one run (issue #5).

    uv run python benchmarks/generate.py --runs 2000   # once
    uv run python benchmarks/ten_year.py --activities 3000   # once (issue #26)
    uv run python benchmarks/run.py
    uv run python benchmarks/run.py --parsers --ten-year   # only issue #26's figures
    pg_virtualenv sh -c 'uv run python benchmarks/run.py --pg \
        "postgresql+psycopg://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"'

Prints every figure docs/performance.md records, with the machine it ran on and its load
(other processes on the machine slow every wall-clock figure). With --pg, the database-bound
figures (the 2,000-run import, the squad view) are measured on that PostgreSQL database, which
should be empty.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import gpxpy
from fitparse import FitFile
from sqlalchemy import create_engine, insert, make_url, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.parsers import parsers
from benchmarks.tree import run_tree
from loadwatch import services
from loadwatch.db.models import Activity, Athlete, OriginalFile
from loadwatch.importers import fit, gpx

OUT = Path(__file__).resolve().parent / "out"


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def plain_fitparse_s(datas: list[bytes]) -> float:
    """Seconds per file for a plain full fitparse decode (every message)."""
    start = time.perf_counter()
    for data in datas:
        for _ in FitFile(io.BytesIO(data)).get_messages():
            pass
    return (time.perf_counter() - start) / len(datas)


def _sample(archive: Path, count: int = 10) -> list[bytes]:
    """`count` FIT members spread over the archive."""
    with zipfile.ZipFile(archive) as z:
        names = [n for n in z.namelist() if n.endswith(".fit")]
        return [z.read(n) for n in names[:: max(1, len(names) // count)][:count]]


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def cli_import(url: str, archive: Path, label: str) -> None:
    """`loadwatch import ARCHIVE` as a user runs it: a new process, CLI start included, against
    a plain full fitparse decode of a sample of the same files (issue #13's 30x target)."""
    sample = _sample(archive)
    plain = plain_fitparse_s(sample)
    agree = sum(
        fit._read_summary(fit._SummaryFitFile(d)).sessions == fit.parse_full(d) for d in sample
    )
    command = [str(Path(sys.executable).with_name("loadwatch")), "--db", url, "import"]
    command += [str(archive), "--athlete", label, "--json"]
    load = _load()
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    statuses = Counter(r["status"] for r in json.loads(done.stdout))
    per_file = wall / sum(statuses.values())
    print(
        f"{label}: `loadwatch import` of {sum(statuses.values())} one-hour 1 s FIT files "
        f"({len(sample[0]) / 1000:.0f} KB each), new process, CLI start included: {wall:.1f} s "
        f"({per_file * 1000:.1f} ms per file; {dict(statuses)}; {load})"
    )
    print(
        f"  plain fitparse full decode: {plain * 1000:.0f} ms per file -> ratio "
        f"{plain / per_file:.0f}x; fast path == full decode on {agree}/{len(sample)} sampled files"
    )


def fit_import(tmp: Path, url_for: Callable[[str], str]) -> None:
    archive = OUT / "fit-archive.zip"
    plain = plain_fitparse_s(_sample(archive))
    engine = services.open_database(url_for("fit"))
    start = time.perf_counter()
    results = services.import_paths(engine, [archive], athlete="bench")
    wall = time.perf_counter() - start
    imported = sum(r.status.value == "imported" for r in results)
    per_file = wall / len(results)
    print(
        f"FIT archive: {len(results)} one-hour runs (1 s records), {imported} imported, "
        f"in process into {engine.url.get_backend_name()} in {wall:.1f} s "
        f"({per_file * 1000:.1f} ms per file)"
    )
    print(
        f"  plain fitparse full decode: {plain * 1000:.0f} ms per file "
        f"(would be {plain * len(results):.0f} s for the archive) -> ratio {plain / per_file:.0f}x"
    )
    start = time.perf_counter()
    again = services.import_paths(engine, [archive], athlete="bench")
    dupes = time.perf_counter() - start
    print(
        f"  re-import of the same archive (all {sum(r.status.value == 'duplicate' for r in again)} "
        f"duplicates): {dupes:.1f} s"
    )
    engine.dispose()


def gpx_parse() -> None:
    files = sorted((OUT / "gpx").glob("*.gpx"))
    datas = [f.read_bytes() for f in files]
    start = time.perf_counter()
    ours = [gpx.parse(d, "bench.gpx")[0].distance_m for d in datas]
    ours_s = (time.perf_counter() - start) / len(datas)
    start = time.perf_counter()
    plain = [gpxpy.parse(d.decode()).length_2d() for d in datas]
    plain_s = (time.perf_counter() - start) / len(datas)
    identical = all(abs(a - b) < 1e-6 for a, b in zip(ours, plain, strict=True))
    print(
        f"GPX: {len(datas)} one-hour files: ours {ours_s * 1000:.1f} ms, gpxpy parse + length_2d "
        f"{plain_s * 1000:.1f} ms per file -> ratio {plain_s / ours_s:.1f}x; "
        f"distances identical: {identical}"
    )


def strava_import(tmp: Path) -> None:
    engine = services.open_database(f"sqlite:///{tmp / 'strava.db'}")
    start = time.perf_counter()
    results = services.import_paths(engine, [OUT / "strava-export.zip"], athlete="strava")
    wall = time.perf_counter() - start
    print(
        f"Strava-style export (FIT.gz + GPX + activities.csv): {len(results)} files in {wall:.1f} s"
    )
    engine.dispose()


def _seed_squad(engine, athletes: int, years: int, as_of: date) -> int:
    now = datetime.now(tz=UTC)
    runs_per_week = 5
    rows = []
    with Session(engine) as session, session.begin():
        for a in range(athletes):
            athlete = Athlete(
                name=f"athlete-{a:02d}", home_tz="UTC", default_sport="run", created_at=now
            )
            session.add(athlete)
            session.flush()
            sha = f"{a:064d}"
            session.add(
                OriginalFile(
                    sha256=sha,
                    athlete_id=athlete.id,
                    filename="bench",
                    size_bytes=0,
                    content_zlib=b"",
                    imported_at=now,
                )
            )
            session.flush()
            days = years * 365
            for i in range(days * runs_per_week // 7):
                day = as_of - timedelta(days=days) + timedelta(days=i * 7 / runs_per_week)
                started = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
                    hours=7
                )
                km = 6 + (i % runs_per_week) * 2 + (a % 5)
                rows.append(
                    {
                        "athlete_id": athlete.id,
                        "sport": "run",
                        "started_at": started,
                        "utc_offset_s": 3600,
                        "duration_s": km * 330.0,
                        "moving_s": km * 330.0,
                        "distance_m": km * 1000.0,
                        "descent_m": 40.0,
                        "avg_cadence_spm": 168.0,
                        "source_format": "fit",
                        "source_file": "bench",
                        "source_sha256": sha,
                        "session_index": i,
                        "imported_at": now,
                    }
                )
        session.execute(insert(Activity), rows)
    return len(rows)


def squad(tmp: Path, url_for: Callable[[str], str]) -> None:
    as_of = date(2026, 11, 21)
    engine = services.open_database(url_for("squad"))
    count = _seed_squad(engine, 50, 3, as_of)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        rows = services.squad_overview(engine, as_of, today=as_of)
        timings.append(time.perf_counter() - start)
    print(
        f"Squad view: {len(rows)} athletes, {count} activities (3 years each): "
        f"median {statistics.median(timings) * 1000:.0f} ms (best {min(timings) * 1000:.0f} ms)"
    )
    week = []
    for _ in range(7):
        start = time.perf_counter()
        services.report(engine, "athlete-00", as_of, today=as_of)
        week.append(time.perf_counter() - start)
    print(f"One runner's week (3 years of history): median {statistics.median(week) * 1000:.0f} ms")
    engine.dispose()


def _pg_database(url: str, name: str) -> str:
    """A new database `bench_NAME` on the server of `url`, so each figure starts empty."""
    server = make_url(url)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS bench_{name}"))
        connection.execute(text(f"CREATE DATABASE bench_{name}"))
    engine.dispose()
    return server.set(database=f"bench_{name}").render_as_string(hide_password=False)


def ten_year(tmp: Path) -> None:
    """`loadwatch import` of the ten-year export (issue #26): a new process, as a user runs it;
    wall time, the CPU time and peak memory of its whole process tree (the CLI, the forkserver
    and the import workers, sampled from /proc)."""
    archive = OUT / "ten-year-export.zip"
    if not archive.exists():
        print("ten-year export: run `uv run python benchmarks/ten_year.py` first")
        return
    command = [str(Path(sys.executable).with_name("loadwatch")), "--db"]
    command += [f"sqlite:///{tmp / 'ten-year.db'}", "import", str(archive), "--athlete", "ten"]
    load = _load()
    result = run_tree([*command, "--json"])
    statuses = Counter(r["status"] for r in json.loads(result.stdout))
    files = sum(statuses.values())
    print(
        f"Ten-year export ({archive.stat().st_size / 1e6:.0f} MB zip, {files} files: "
        f"{dict(statuses)}): `loadwatch import`, new process, {result.wall_s:.1f} s wall "
        f"({result.wall_s / files * 1000:.1f} ms per file), CPU of the process tree "
        f"{result.cpu_s:.1f} s ({result.cpu_s / files * 1000:.1f} ms per file: "
        f"{result.cpu_s / (os.cpu_count() or 1):.1f} s on {os.cpu_count()} idle cores), peak "
        f"memory of the tree {result.peak_rss_mb:.0f} MB (PSS) ({load} before; "
        f"{_load()} after)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", metavar="URL", help="an empty PostgreSQL database")
    parser.add_argument("--parsers", action="store_true", help="only the parser comparison")
    parser.add_argument("--ten-year", action="store_true", help="only the ten-year export")
    args = parser.parse_args()
    if args.parsers or args.ten_year:
        print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, {_load()}")
        if args.parsers:
            parsers()
        if args.ten_year:
            with tempfile.TemporaryDirectory() as folder:
                ten_year(Path(folder))
        return
    if not (OUT / "sdk-fit-archive.zip").exists():
        raise SystemExit("run `uv run python benchmarks/generate.py` first")
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        f", {_load()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.pg:
            fit_import(tmp, lambda name: _pg_database(args.pg, name))
            squad(tmp, lambda name: _pg_database(args.pg, name))
            return
        sqlite = lambda name: f"sqlite:///{tmp / name}.db"  # noqa: E731
        cli_import(sqlite("cli-sdk"), OUT / "sdk-fit-archive.zip", "Garmin FIT SDK encoder")
        cli_import(sqlite("cli-ours"), OUT / "fit-archive.zip", "Our generator")
        fit_import(tmp, sqlite)
        gpx_parse()
        parsers()
        strava_import(tmp)
        ten_year(tmp)
        squad(tmp, sqlite)
    print(
        f"Peak memory: main process {_rss_mb(resource.RUSAGE_SELF):.0f} MB, "
        f"largest worker {_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )


if __name__ == "__main__":
    main()
