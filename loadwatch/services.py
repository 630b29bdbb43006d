"""Use cases shared by the CLI and the dashboard; each owns its transactions."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from timezonefinder import TimezoneFinder

from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Activity, Athlete, Shoe
from loadwatch.domain import (
    ActivityRow,
    ImportResult,
    ImportStatus,
    ParsedActivity,
    SourceFormat,
    SourceHints,
    Sport,
)
from loadwatch.errors import ImplausibleValueError, InputError
from loadwatch.importers import parse_activity
from loadwatch.importers.archive import SourceFile, expand_bytes, expand_path

DEFAULT_ATHLETE = "me"
BATCH_FILES = 64  # files parsed and committed together (one SAVEPOINT each); bounds memory
PARALLEL_MIN_FILES = 32  # below this a process pool costs more than it saves
MAX_RUN_DISTANCE_M = 300_000.0  # longer than any single-stage ultramarathon: a bad file
MAX_DURATION_S = 7 * 24 * 3600.0
MAX_RUN_SPEED_M_PER_S = 12.5  # faster than the 100 m world record pace, sustained: a bad file
EARLIEST_START = datetime(1990, 1, 1, tzinfo=UTC)  # FIT's epoch is 1989-12-31

Progress = Callable[[ImportResult], None]


# ---------------------------------------------------------------- parsing (runs in workers)


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


# ---------------------------------------------------------------- import


def import_uploads(
    engine: Engine,
    files: Iterable[tuple[str, bytes]],
    athlete: str = DEFAULT_ATHLETE,
    progress: Progress | None = None,
    today: date | None = None,
) -> list[ImportResult]:
    """Import uploaded files (name, bytes): activity files, .gz files or zip archives.

    Each file is its own unit: it is imported whole or not at all, and a bad file does not stop
    the others. Returns one `ImportResult` per activity file found, in input order.
    """

    def sources() -> Iterator[SourceFile]:
        for name, data in files:
            yield from expand_bytes(name, data)

    return _import(engine, sources(), athlete, progress, today)


def import_paths(
    engine: Engine,
    paths: Iterable[Path],
    athlete: str = DEFAULT_ATHLETE,
    progress: Progress | None = None,
    today: date | None = None,
) -> list[ImportResult]:
    """Import files, folders (recursively) and archives from disk; see `import_uploads`."""

    def sources() -> Iterator[SourceFile]:
        for path in paths:
            yield from expand_path(Path(path))

    return _import(engine, sources(), athlete, progress, today)


def _batches(sources: Iterator[SourceFile], size: int) -> Iterator[list[SourceFile]]:
    batch: list[SourceFile] = []
    for source in sources:
        batch.append(source)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _import(
    engine: Engine,
    sources: Iterator[SourceFile],
    athlete: str,
    progress: Progress | None,
    today: date | None,
) -> list[ImportResult]:
    today = today or datetime.now(tz=UTC).date()
    write_engine = writer(engine)
    with Session(write_engine) as session, session.begin():
        athlete_row = repository.get_or_create_athlete(session, athlete)
        athlete_id, home_tz = athlete_row.id, athlete_row.home_tz
        default_sport = Sport(athlete_row.default_sport)
    results: list[ImportResult] = []

    def report(result: ImportResult) -> None:
        results.append(result)
        if progress is not None:
            progress(result)

    executor: Executor | None = None
    pending: list[Future[list[_Parsed]]] | None = None
    pending_dupes: list[ImportResult] = []

    def flush_pending() -> None:
        if pending is not None:
            for result in pending_dupes:
                report(result)
            _store(write_engine, athlete_id, _gather(pending), report)

    try:
        for batch in _batches(sources, BATCH_FILES):
            jobs, dupes = _prepare(write_engine, batch, home_tz, default_sport, today)
            if executor is None and len(jobs) >= PARALLEL_MIN_FILES and (os.cpu_count() or 1) > 1:
                executor = ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=_mp_context())
            if executor is not None:
                # The workers parse this batch while the previous one is written.
                submitted = _submit(executor, jobs)
                flush_pending()
                pending, pending_dupes = submitted, dupes
            else:
                for result in dupes:
                    report(result)
                _store(write_engine, athlete_id, _parse_batch(jobs), report)
        flush_pending()
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return results


def _mp_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a clean server process with loadwatch preloaded: cheap to start, and
    safe inside a threaded host such as Streamlit (plain fork is not)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["loadwatch.services"])
    return context


def _submit(executor: Executor, jobs: list[_Job]) -> list[Future[list[_Parsed]]]:
    """Split a batch between the workers; the futures resolve in input order."""
    step = max(1, -(-len(jobs) // (os.cpu_count() or 1)))
    return [executor.submit(_parse_batch, jobs[i : i + step]) for i in range(0, len(jobs), step)]


def _gather(parts: list[Future[list[_Parsed]]]) -> list[_Parsed]:
    return [parsed for part in parts for parsed in part.result()]


def _prepare(
    engine: Engine, batch: list[SourceFile], home_tz: str, default_sport: Sport, today: date
) -> tuple[list[_Job], list[ImportResult]]:
    """Hash a batch, answer unreadable files and already-stored hashes at once."""
    results: list[ImportResult] = []
    hashed: list[tuple[SourceFile, str]] = []
    for source in batch:
        if source.error is not None or source.data is None:
            message = str(source.error) if source.error else f"{source.name!r} could not be read"
            results.append(ImportResult(source.name, ImportStatus.REJECTED, message))
            continue
        hashed.append((source, hashlib.sha256(source.data).hexdigest()))
    with Session(engine) as session:
        known = repository.existing_hashes(session, (h for _, h in hashed))
        jobs = []
        seen: set[str] = set()
        for source, sha in hashed:
            if sha in known or sha in seen:
                ids = repository.activity_ids_for_hash(session, sha)
                results.append(_duplicate(source.name, ids))
                continue
            seen.add(sha)
            jobs.append(_Job(source, home_tz, default_sport, today, sha))
    return jobs, results


def _duplicate(name: str, activity_ids: list[int]) -> ImportResult:
    where = f" as activity {', '.join(f'#{i}' for i in activity_ids)}" if activity_ids else ""
    return ImportResult(
        name,
        ImportStatus.DUPLICATE,
        f"{name!r} was imported before{where}; skipped",
        activity_id=activity_ids[0] if activity_ids else None,
    )


def _richness(
    has_hr: bool, has_cadence: bool, has_ascent: bool, fmt: SourceFormat, distance_m: float
) -> tuple[int, ...]:
    """Which of two records of one run to keep: more signals first, then FIT over TCX over GPX."""
    format_rank = {SourceFormat.FIT: 2, SourceFormat.TCX: 1, SourceFormat.GPX: 0}[fmt]
    return (int(has_hr) + int(has_cadence) + int(has_ascent) + int(distance_m > 0), format_rank)


def _store(engine: Engine, athlete_id: int, parsed_files: list[_Parsed], report: Progress) -> None:
    """Write a batch: one transaction, one SAVEPOINT per file: a file lands whole or not at all."""
    outcomes: list[ImportResult] = []
    with Session(engine) as session, session.begin():
        default_shoe = repository.default_shoe(session, athlete_id)
        for parsed in parsed_files:
            if parsed.error is not None:
                outcomes.append(ImportResult(parsed.name, ImportStatus.REJECTED, str(parsed.error)))
                continue
            try:
                with session.begin_nested():
                    outcomes.extend(_store_file(session, athlete_id, default_shoe, parsed))
            except IntegrityError:
                # Another import stored the same file between our check and our write.
                ids = repository.activity_ids_for_hash(session, parsed.sha256)
                outcomes.append(_duplicate(parsed.name, ids))
    for outcome in outcomes:  # reported only once the batch is committed
        report(outcome)


def _store_file(
    session: Session, athlete_id: int, default_shoe: Shoe | None, parsed_file: _Parsed
) -> list[ImportResult]:
    hints = parsed_file.hints
    repository.add_original(
        session,
        athlete_id,
        parsed_file.sha256,
        parsed_file.name,
        parsed_file.size_bytes,
        parsed_file.content_zlib,
        hints.sport.value if hints.sport else None,
        hints.gear,
    )
    session.flush()
    results = []
    for index, (parsed, offset) in enumerate(parsed_file.activities):
        richness = _richness(
            parsed.avg_hr_bpm is not None,
            parsed.avg_cadence_spm is not None,
            parsed.ascent_m is not None,
            parsed.source_format,
            parsed.distance_m,
        )
        same = repository.same_activity_candidates(session, athlete_id, parsed, parsed.sport)
        if same:
            existing = same[0]
            kept = _richness(
                existing.avg_hr_bpm is not None,
                existing.avg_cadence_spm is not None,
                existing.ascent_m is not None,
                SourceFormat(existing.source_format),
                existing.distance_m,
            )
            if richness > kept:
                old_file = existing.source_file
                repository.apply_parsed(existing, parsed, parsed.sport, offset)
                existing.source_file = parsed_file.name[-500:]
                existing.source_sha256 = parsed_file.sha256
                existing.session_index = index
                message = (
                    f"{parsed_file.name!r} is the same run as activity #{existing.id} "
                    f"(from {old_file!r}); kept this richer "
                    f"{parsed.source_format.value.upper()} record"
                )
            else:
                message = (
                    f"{parsed_file.name!r} is the same run as activity #{existing.id} "
                    f"(from {existing.source_file!r}), which has as much data or more; "
                    "kept that one"
                )
            results.append(
                ImportResult(
                    parsed_file.name,
                    ImportStatus.MERGED,
                    message,
                    existing.id,
                    parsed.sport,
                    parsed.started_at,
                    parsed.distance_m,
                )
            )
            continue
        activity = Activity(
            athlete_id=athlete_id,
            source_file=parsed_file.name[-500:],
            source_sha256=parsed_file.sha256,
            session_index=index,
            imported_at=repository.now_utc(),
        )
        repository.apply_parsed(activity, parsed, parsed.sport, offset)
        if parsed.sport is Sport.RUN:
            activity.shoe_id = _shoe_for(session, athlete_id, hints, default_shoe)
        session.add(activity)
        session.flush()
        results.append(
            ImportResult(
                parsed_file.name,
                ImportStatus.IMPORTED,
                "",
                activity.id,
                parsed.sport,
                parsed.started_at,
                parsed.distance_m,
            )
        )
    return results


def _shoe_for(
    session: Session, athlete_id: int, hints: SourceHints, default_shoe: Shoe | None
) -> int | None:
    """A Strava export's gear column names the pair; else the athlete's default pair."""
    if hints.gear:
        shoe = repository.shoe_by_name(session, athlete_id, hints.gear)
        if shoe is None:
            shoe = repository.create_shoe(session, athlete_id, hints.gear)
        return shoe.id
    return default_shoe.id if default_shoe else None


# ---------------------------------------------------------------- reading the log


@dataclass(frozen=True, slots=True)
class AthleteSummary:
    name: str
    activities: int
    distance_m: float
    last_started_at: datetime | None


def list_athletes(engine: Engine) -> list[AthleteSummary]:
    with Session(engine) as session:
        counts = repository.athlete_counts(session)
        return [
            AthleteSummary(a.name, *counts.get(a.id, (0, 0.0, None)))
            for a in repository.athletes(session)
        ]


def list_activities(
    engine: Engine, athlete: str | None = None, since: date | None = None
) -> list[ActivityRow]:
    """Activities oldest first, optionally for one athlete and from a (UTC) date.

    Raises:
        NotFoundError: unknown athlete.
    """
    with Session(engine) as session:
        athlete_id = repository.get_athlete(session, athlete).id if athlete else None
        since_at = datetime.combine(since, time(), tzinfo=UTC) if since else None
        return repository.activity_rows(session, athlete_id, since_at)


@dataclass(frozen=True, slots=True)
class ReimportSummary:
    files: int
    updated: int
    failed: list[str]


def reimport(engine: Engine, today: date | None = None) -> ReimportSummary:
    """Re-derive every activity from its stored original file (after an importer fix).

    Activities keep their ids, shoes and pain links; only the derived fields change.
    """
    today = today or datetime.now(tz=UTC).date()
    files = updated = 0
    failed: list[str] = []
    with Session(writer(engine)) as session, session.begin():
        for original in repository.originals(session):
            files += 1
            athlete = session.get_one(Athlete, original.athlete_id)
            hints = SourceHints(
                sport=Sport(original.sport_hint) if original.sport_hint else None,
                gear=original.gear_hint,
            )
            source = SourceFile(
                original.filename, zlib.decompress(original.content_zlib), hints=hints
            )
            job = _Job(
                source, athlete.home_tz, Sport(athlete.default_sport), today, original.sha256
            )
            result = _parse_job(job)
            if result.error is not None:
                failed.append(str(result.error))
                continue
            for activity in repository.activities_for_hash(session, original.sha256):
                if activity.session_index < len(result.activities):
                    parsed, offset = result.activities[activity.session_index]
                    repository.apply_parsed(activity, parsed, parsed.sport, offset)
                    updated += 1
    return ReimportSummary(files, updated, failed)


def count_summary(results: Sequence[ImportResult]) -> dict[ImportStatus, int]:
    counts = dict.fromkeys(ImportStatus, 0)
    for result in results:
        counts[result.status] += 1
    return counts


def open_database(url: str | None = None) -> Engine:
    """An engine for `url` (default location when None), migrated to the latest schema."""
    from loadwatch.db.engine import make_engine, migrate

    engine = make_engine(url)
    migrate(engine)
    return engine


def load_demo(engine: Engine, today: date | None = None, seed: int = 42) -> list[ImportResult]:
    """Load the demo squad through the real import path (no-op for athletes already present)."""
    from loadwatch.sample import demo_files

    today = today or datetime.now(tz=UTC).date()
    present = {a.name for a in list_athletes(engine)}
    by_athlete: dict[str, list[tuple[str, bytes]]] = {}
    for demo in demo_files(today, seed):
        if demo.athlete not in present:
            by_athlete.setdefault(demo.athlete, []).append((demo.name, demo.data))
    results: list[ImportResult] = []
    for athlete, files in by_athlete.items():
        results.extend(import_uploads(engine, files, athlete=athlete, today=today))
    return results
