"""What import worker processes run: the parse jobs, the forkserver context and the parent
watchdog, the sanity limits and the time-zone lookup. Nothing here touches the database."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time as clock
import zlib
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from timezonefinder import TimezoneFinder

from loadwatch.domain import ParsedActivity, SourceHints, Sport
from loadwatch.errors import ImplausibleValueError, InputError
from loadwatch.importers import parse_activity
from loadwatch.importers.archive import SourceFile

PARENT_POLL_S = 1.0  # how often an import worker checks that its importer still runs
MAX_RUN_DISTANCE_M = 300_000.0  # longer than any single-stage ultramarathon: a bad file
MAX_DURATION_S = 7 * 24 * 3600.0
MAX_RUN_SPEED_M_PER_S = 12.5  # faster than the 100 m world record pace, sustained: a bad file
EARLIEST_START = datetime(1990, 1, 1, tzinfo=UTC)  # FIT's epoch is 1989-12-31


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A worker's answer for one file: activities with their UTC offsets, or the error."""

    name: str
    sha256: str
    size_bytes: int
    hints: SourceHints
    activities: tuple[tuple[ParsedActivity, int], ...] = ()
    content_zlib: bytes = b""
    error: InputError | None = None


@lru_cache(maxsize=1)
def _timezone_finder() -> TimezoneFinder:
    return TimezoneFinder()


def utc_offset_s(parsed: ParsedActivity, home_tz: str) -> int:
    """The file's own local offset; else the zone at the start coordinates; else `home_tz`."""
    if parsed.utc_offset_s is not None:
        return parsed.utc_offset_s
    zone_name = None
    if parsed.start_lat is not None and parsed.start_lon is not None:
        zone_name = _timezone_finder().timezone_at(lat=parsed.start_lat, lng=parsed.start_lon)
    try:
        zone = ZoneInfo(zone_name or home_tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    offset = parsed.started_at.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def check_plausible(parsed: ParsedActivity, filename: str, today: date) -> None:
    """Reject values no real recording has (FitTrackee-style sanity limits).

    Raises:
        ImplausibleValueError: negative or absurd distance, duration, speed or start date.
    """

    def fail(field: str, value: float, limit: float, why: str) -> None:
        raise ImplausibleValueError(f"{filename!r} {why}", field=field, value=value, limit=limit)

    if parsed.duration_s < 0:
        fail(
            "duration_s",
            parsed.duration_s,
            0,
            f"has a negative duration ({parsed.duration_s:.0f} s)",
        )
    if parsed.distance_m < 0:
        fail(
            "distance_m",
            parsed.distance_m,
            0,
            f"has a negative distance ({parsed.distance_m:.0f} m)",
        )
    if parsed.duration_s > MAX_DURATION_S:
        fail("duration_s", parsed.duration_s, MAX_DURATION_S, "lasts more than 7 days")
    if parsed.sport is Sport.RUN and parsed.distance_m > MAX_RUN_DISTANCE_M:
        fail(
            "distance_m",
            parsed.distance_m,
            MAX_RUN_DISTANCE_M,
            f"is a {parsed.distance_m / 1000:.0f} km run, over the "
            f"{MAX_RUN_DISTANCE_M / 1000:.0f} km "
            "sanity limit; the file is probably damaged",
        )
    moving = parsed.moving_s or parsed.duration_s
    if parsed.sport is Sport.RUN and parsed.distance_m > 1000 and moving > 0:
        speed = parsed.distance_m / moving
        if speed > MAX_RUN_SPEED_M_PER_S:
            fail(
                "speed_m_per_s",
                speed,
                MAX_RUN_SPEED_M_PER_S,
                f"runs at {speed:.1f} m/s, faster than humanly possible",
            )
    if parsed.started_at < EARLIEST_START:
        fail(
            "started_at",
            parsed.started_at.timestamp(),
            EARLIEST_START.timestamp(),
            "starts before 1990 (the device clock was not set)",
        )
    if parsed.started_at.date() > today + timedelta(days=1):
        fail(
            "started_at",
            parsed.started_at.timestamp(),
            0,
            f"starts in the future ({parsed.started_at:%Y-%m-%d})",
        )


@dataclass(frozen=True, slots=True)
class _Job:
    source: SourceFile
    home_tz: str
    default_sport: Sport
    today: date
    sha256: str


def _parse_job(job: _Job) -> _Parsed:
    """Parse, apply hints, sanity-check and compress one file; runs in a worker process."""
    source = job.source
    data = source.data or b""
    base = _Parsed(name=source.name, sha256=job.sha256, size_bytes=len(data), hints=source.hints)
    try:
        activities = tuple(
            _with_hint(p, source.hints, job.default_sport)
            for p in parse_activity(data, source.name)
        )
        for parsed in activities:
            check_plausible(parsed, source.name, job.today)
    except InputError as exc:
        return replace(base, error=exc)
    return replace(
        base,
        activities=tuple((p, utc_offset_s(p, job.home_tz)) for p in activities),
        content_zlib=zlib.compress(data, 6),
    )


def _parse_batch(jobs: list[_Job]) -> list[_Parsed]:
    return [_parse_job(job) for job in jobs]


def _with_hint(parsed: ParsedActivity, hints: SourceHints, default_sport: Sport) -> ParsedActivity:
    """Apply an export's activity type, or the athlete's default sport when the file is silent."""
    if hints.sport is not None:
        return replace(parsed, sport=hints.sport, has_sport=True)
    if not parsed.has_sport:
        moving_s = parsed.moving_s or parsed.duration_s
        too_fast = moving_s > 0 and parsed.distance_m / moving_s > MAX_RUN_SPEED_M_PER_S
        # A silent file too fast to be a run (a drive, a ride) is not forced into the run log.
        return replace(parsed, sport=Sport.OTHER if too_fast else default_sport)
    return parsed


def _pool() -> ProcessPoolExecutor:
    """One worker per CPU, each watching that its importer still runs."""
    return ProcessPoolExecutor(
        max_workers=os.cpu_count(),
        mp_context=_mp_context(),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )


def _mp_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a clean server process with loadwatch preloaded: cheap to start, and
    safe inside a threaded host such as Streamlit (plain fork is not)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["loadwatch.services._worker"])
    return context


def _exit_with_parent(parent_pid: int) -> None:
    """Pool initializer: a worker exits once the importing process is gone.

    A killed import (SIGKILL, a crashed dashboard) cannot shut its pool down, and the workers
    would wait forever on a queue whose write end they hold themselves, keeping the forkserver
    alive too. Each worker polls its importer instead.
    """

    def watch() -> None:
        while True:
            clock.sleep(PARENT_POLL_S)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # alive, owned by someone else
                continue

    threading.Thread(target=watch, name="loadwatch-parent-watch", daemon=True).start()


def _submit(executor: Executor, jobs: list[_Job]) -> list[Future[list[_Parsed]]]:
    """Split a batch between the workers; the futures resolve in input order."""
    step = max(1, -(-len(jobs) // (os.cpu_count() or 1)))
    return [executor.submit(_parse_batch, jobs[i : i + step]) for i in range(0, len(jobs), step)]


def _gather(parts: list[Future[list[_Parsed]]]) -> list[_Parsed]:
    return [parsed for part in parts for parsed in part.result()]
