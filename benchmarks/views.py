"""Server-side cost of the dashboard's heavy pages with long histories and big squads (issue #27).

    uv run python benchmarks/views.py                     # SQLite: 200 x 2 years, 10-year runner
    uv run python benchmarks/views.py --athletes 1000     # the 1,000-athlete squad
    pg_virtualenv sh -c 'uv run python benchmarks/views.py --pg \
        "postgresql+psycopg://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"'
    uv run python benchmarks/views.py --keep /tmp/views.db   # keep the database (pages.py uses it)

Seeds a squad of N athletes x Y years (5 runs a week of varied length, a weekly ride, shoes,
pain entries) and one runner with 3,000 activities over 10 years (one of them a real one-hour
FIT file, for the track), then times each page's one service call: the squad triage, the
activity table, a calendar month, This week's report and one activity's track (median of
several calls, each a fresh call as a page run makes it). Prints the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, insert, make_url, select, text
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db.models import (
    Activity,
    Athlete,
    Coach,
    OriginalFile,
    PainEntry,
    Setting,
    Shoe,
    SquadMember,
)
from loadwatch.synth import fit_bytes, make_track

AS_OF = date(2026, 11, 20)
SQUAD = "bench-squad"
RUNNER = "ten-years"


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _athlete_rows(
    rng: np.random.Generator, athlete_id: int, sha: str, days: int, now: datetime, miss: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A log of `days` days ending the day before AS_OF: runs most days, a weekly ride, and
    pain entries (post-run and next morning) after about one run in ten."""
    rows: list[dict[str, Any]] = []
    pains: list[dict[str, Any]] = []
    base_km = rng.uniform(5, 12)
    first = AS_OF - timedelta(days=days)
    for offset in range(days):
        day = first + timedelta(days=offset)
        started = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
        weekday = day.weekday()
        if weekday == 2:  # a ride on Wednesdays
            sport, km = "ride", float(rng.uniform(20, 40))
        elif weekday == 4 or rng.random() < miss:
            continue  # a rest day, and an occasional missed run
        else:
            sport = "run"
            km = float(base_km * rng.uniform(0.6, 1.6) * (1.8 if weekday == 6 else 1.0))
        rows.append(
            {
                "athlete_id": athlete_id,
                "sport": sport,
                "started_at": started,
                "utc_offset_s": 3600,
                "duration_s": km * (330.0 if sport == "run" else 150.0),
                "moving_s": km * (320.0 if sport == "run" else 145.0),
                "distance_m": km * 1000.0,
                "ascent_m": 40.0,
                "descent_m": 40.0,
                "avg_hr_bpm": 150.0,
                "avg_cadence_spm": 168.0 if sport == "run" else None,
                "source_format": "fit",
                "source_file": "bench.fit",
                "source_sha256": sha,
                "session_index": offset,
                "imported_at": now,
            }
        )
        if sport == "run" and rng.random() < 0.1:
            pains.append(
                {
                    "athlete_id": athlete_id,
                    "entry_date": day,
                    "during": int(rng.integers(0, 6)),
                    "after": int(rng.integers(0, 7)),
                    "location": "knee front",
                    "created_at": now,
                }
            )
            pains.append(
                {
                    "athlete_id": athlete_id,
                    "entry_date": day + timedelta(days=1),
                    "morning": int(rng.integers(0, 5)),
                    "created_at": now,
                }
            )
    return rows, pains


def seed(engine: Engine, athletes: int, years: int, runner_activities: int = 3000) -> int:
    """The squad (in squad SQUAD) and the ten-year runner; returns the number of activities."""
    rng = np.random.default_rng(27)
    now = datetime.now(tz=UTC)
    total = 0
    with Session(engine) as session, session.begin():
        coach = Coach(name=SQUAD, created_at=now)
        session.add(coach)
        session.flush()
        for index in range(athletes + 1):
            name = RUNNER if index == athletes else f"athlete-{index:04d}"
            athlete = Athlete(name=name, home_tz="UTC", default_sport="run", created_at=now)
            session.add(athlete)
            session.flush()
            sha = f"{index:064d}"
            session.add(
                OriginalFile(
                    sha256=sha,
                    athlete_id=athlete.id,
                    filename="bench.fit",
                    size_bytes=0,
                    content_zlib=b"",
                    imported_at=now,
                )
            )
            session.add(Setting(athlete_id=athlete.id, units="km", week_start=0))
            session.add(
                Shoe(
                    athlete_id=athlete.id,
                    name="daily trainer",
                    starting_distance_m=float(rng.uniform(0, 600_000)),
                    window_start_m=480_000.0,
                    window_end_m=800_000.0,
                    is_default=True,
                    created_at=now,
                )
            )
            if index < athletes:
                session.add(SquadMember(coach_id=coach.id, athlete_id=athlete.id, joined_at=now))
            session.flush()
            # ~3,000 activities over 10 years: a run every other day or so, and a weekly ride
            is_runner = index == athletes
            days = 3650 if is_runner else years * 365
            rows, pains = _athlete_rows(rng, athlete.id, sha, days, now, 0.0 if is_runner else 0.12)
            if is_runner:  # thin the ten-year log to the wanted count
                keep = np.linspace(0, len(rows) - 1, runner_activities).astype(int)
                rows = [rows[i] for i in sorted(set(keep))]
            if rows:
                session.execute(insert(Activity), rows)
            if pains:
                session.execute(insert(PainEntry), pains)
            total += len(rows)
    # One real activity with a one-hour 1 s track, through the real import path.
    track = make_track(
        datetime.combine(AS_OF - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        + timedelta(hours=18),
        11_000.0,
        seed=27,
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "evening-run.fit"
        path.write_bytes(fit_bytes([track], utc_offset_s=3600))
        services.import_paths(engine, [path], athlete=RUNNER, today=AS_OF)
    return total + 1


def _time(call: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Median and best wall time, and median CPU time of this process (milliseconds): on a
    shared machine the CPU time is the steadier figure."""
    timings, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return (
        statistics.median(timings) * 1000,
        min(timings) * 1000,
        statistics.median(cpu) * 1000,
    )


def measure(
    engine: Engine, repeat: int, *, squad_only: bool = False, runner_only: bool = False
) -> None:
    def line(label: str, call: Callable[[], object], times: int = repeat) -> None:
        median, best, cpu = _time(call, times)
        print(
            f"  {label}: median {median:.0f} ms (best {best:.0f} ms, CPU {cpu:.0f} ms), {_load()}",
            flush=True,
        )

    def changed_then_triage() -> tuple[float, float]:
        _touch(engine)  # as an import or a pain entry would: every cache keyed by it misses
        start, cpu = time.perf_counter(), time.process_time()
        services.squad_triage(engine, SQUAD, as_of=AS_OF, today=AS_OF)
        return time.perf_counter() - start, time.process_time() - cpu

    if runner_only:
        _runner(engine, line)
        return
    timings = [changed_then_triage() for _ in range(repeat)]
    wall = [w * 1000 for w, _ in timings]
    cpu = [c * 1000 for _, c in timings]
    print(
        f"  squad_triage after a change: median {statistics.median(wall):.0f} ms (best"
        f" {min(wall):.0f} ms, CPU {statistics.median(cpu):.0f} ms, least CPU {min(cpu):.0f} ms)"
        f", {_load()}",
        flush=True,
    )
    line(
        "squad_triage, database unchanged",
        lambda: services.squad_triage(engine, SQUAD, as_of=AS_OF, today=AS_OF),
    )
    if squad_only:
        return
    _runner(engine, line)


def _runner(engine: Engine, line: Callable[[str, Callable[[], object]], None]) -> None:
    """The ten-year runner's pages: This week, Activities, Calendar and one track."""
    with Session(engine) as session:
        latest = session.scalar(
            select(Activity.id)
            .join(Athlete, Athlete.id == Activity.athlete_id)
            .where(Athlete.name == RUNNER)
            .order_by(Activity.started_at.desc())
            .limit(1)
        )
    assert latest is not None
    line(
        "report (This week, 10-year runner)",
        lambda: services.report(engine, RUNNER, AS_OF, today=AS_OF),
    )
    line("activity_table (10-year runner)", lambda: services.activity_table(engine, RUNNER))
    line(
        "activity_page (Activities page, 10-year runner, page 1)",
        lambda: services.activity_page(engine, RUNNER),
    )
    line(
        "activity_page (page 40, runs, one year)",
        lambda: services.activity_page(
            engine, RUNNER, 40, sports=["run"], first=date(2019, 1, 1), last=date(2019, 12, 31)
        ),
    )
    line(
        "calendar_month (10-year runner)",
        lambda: services.calendar_month(engine, RUNNER, AS_OF.replace(day=1), today=AS_OF),
    )
    line("activity_track (one-hour run, 1 s)", lambda: services.activity_track(engine, latest))


def _touch(engine: Engine) -> None:
    """Raise the change counter, as any committed change does (a no-op before issue #27)."""
    with engine.begin() as connection:
        connection.execute(text("UPDATE data_version SET version = version + 1"))


def _pg_database(url: str, name: str) -> str:
    server = make_url(url)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS bench_{name}"))
        connection.execute(text(f"CREATE DATABASE bench_{name}"))
    engine.dispose()
    return server.set(database=f"bench_{name}").render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server (a new database on it)")
    parser.add_argument("--athletes", type=int, default=200)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", metavar="PATH", help="SQLite file to keep (default: temporary)")
    parser.add_argument("--squad-only", action="store_true", help="time the squad calls only")
    parser.add_argument(
        "--runner-only", action="store_true", help="time the 10-year runner's pages only"
    )
    parser.add_argument("--use", metavar="URL", help="a database this script seeded: time only")
    args = parser.parse_args()
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        f", {_load()}"
    )
    if args.use:
        engine = services.open_database(args.use)
        print(f"{engine.url.get_backend_name()}: {args.use}, {_load()}", flush=True)
        measure(engine, args.repeat, squad_only=args.squad_only, runner_only=args.runner_only)
        engine.dispose()
        return
    with tempfile.TemporaryDirectory() as folder:
        if args.pg:
            url = _pg_database(args.pg, f"views_{args.athletes}")
        else:
            url = f"sqlite:///{args.keep or Path(folder) / 'views.db'}"
        engine = services.open_database(url)
        start = time.perf_counter()
        count = seed(engine, args.athletes, args.years)
        print(
            f"{engine.url.get_backend_name()}: {args.athletes} athletes x {args.years} years and a"
            f" 10-year runner, {count} activities (seeded in {time.perf_counter() - start:.0f} s)"
            f", {_load()}",
            flush=True,
        )
        measure(engine, args.repeat, squad_only=args.squad_only, runner_only=args.runner_only)
        engine.dispose()


if __name__ == "__main__":
    main()
