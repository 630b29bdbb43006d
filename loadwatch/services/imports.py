"""Use cases shared by the CLI and the dashboard; each owns its transactions."""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import threading
import time as clock
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
from loadwatch.db.engine import make_engine, migrate, writer
from loadwatch.db.models import Activity, Athlete, PainEntry, Setting, Shoe
from loadwatch.domain import (
    SEVERITY_RANK,
    ActivityRow,
    ImportResult,
    ImportStatus,
    PainLocation,
    ParsedActivity,
    SourceFormat,
    SourceHints,
    Sport,
)
from loadwatch.errors import ImplausibleValueError, InputError, NotFoundError
from loadwatch.importers import parse_activity
from loadwatch.importers.archive import SourceFile, expand_bytes, expand_path
from loadwatch.load.shoes import shoe_mileage, shoe_status
from loadwatch.report import (
    WEEKDAYS,
    Report,
    SquadStatus,
    build_report,
    report_json,
    squad_status,
)
from loadwatch.rules.citations import CITATIONS, Citation
from loadwatch.rules.context import rule_context
from loadwatch.rules.thresholds import Thresholds
from loadwatch.units import METRES_PER_MILE, DistanceUnit

DEFAULT_ATHLETE = "me"
BATCH_FILES = 64  # files parsed and committed together (one SAVEPOINT each); bounds memory
PARALLEL_MIN_FILES = 32  # below this a process pool costs more than it saves
PARENT_POLL_S = 1.0  # how often an import worker checks that its importer still runs
MAX_RUN_DISTANCE_M = 300_000.0  # longer than any single-stage ultramarathon: a bad file
MAX_DURATION_S = 7 * 24 * 3600.0
MAX_RUN_SPEED_M_PER_S = 12.5  # faster than the 100 m world record pace, sustained: a bad file
EARLIEST_START = datetime(1990, 1, 1, tzinfo=UTC)  # FIT's epoch is 1989-12-31

Progress = Callable[[ImportResult], None]


__all__ = ["WEEKDAYS", "Report", "report_json"]  # re-exported for the CLI and the UI


def citation(key: str) -> Citation:
    """The source behind a citation key used in an Alert."""
    return CITATIONS[key]


@dataclass(frozen=True, slots=True)
class AthleteSettings:
    athlete: str
    units: DistanceUnit
    week_start: int  # 0 = Monday ... 6 = Sunday
    home_tz: str
    thresholds: Thresholds
    default_sport: Sport = Sport.RUN


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
    the others.

    Args:
        files: (file name, bytes) pairs; the name is used in messages only (content is sniffed).
        athlete: whose runs (created on first use).
        progress: called with each result as soon as its batch is committed.
        today: the local day used to refuse activities that start in the future.

    Returns:
        One `ImportResult` per activity stored or merged (a multisport FIT gives several) and one
        per duplicate or rejected file, batch by batch (rejections found while reading a batch
        come before that batch's stored activities).
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
    today = today or _today()
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
            jobs, dupes = _prepare(engine, batch, home_tz, default_sport, today)  # reads only
            if executor is None and len(jobs) >= PARALLEL_MIN_FILES and (os.cpu_count() or 1) > 1:
                executor = ProcessPoolExecutor(
                    max_workers=os.cpu_count(),
                    mp_context=_mp_context(),
                    initializer=_exit_with_parent,
                    initargs=(os.getpid(),),
                )
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


_FORMAT_RANK = {SourceFormat.FIT: 2, SourceFormat.TCX: 1, SourceFormat.GPX: 0}


def _richness(record: ParsedActivity | Activity) -> tuple[int, int]:
    """Which of two records of one run to keep: more signals first, then FIT over TCX over GPX."""
    signals = [record.avg_hr_bpm, record.avg_cadence_spm, record.ascent_m]
    count = sum(value is not None for value in signals) + int(record.distance_m > 0)
    return count, _FORMAT_RANK[SourceFormat(record.source_format)]


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
        hints.name,
    )
    session.flush()
    results = []
    for index, (parsed, offset) in enumerate(parsed_file.activities):
        same = repository.same_activity_candidates(
            session, athlete_id, parsed, parsed.sport, offset
        )
        if same:
            existing = same[0]
            if _richness(parsed) > _richness(existing):
                old_file = existing.source_file
                repository.apply_parsed(existing, parsed, parsed.sport, offset, hints.name)
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
        repository.apply_parsed(activity, parsed, parsed.sport, offset, hints.name)
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
    today = today or _today()
    files = updated = 0
    failed: list[str] = []
    with Session(writer(engine)) as session, session.begin():
        for original in repository.originals(session):
            files += 1
            athlete = session.get_one(Athlete, original.athlete_id)
            hints = SourceHints(
                sport=Sport(original.sport_hint) if original.sport_hint else None,
                gear=original.gear_hint,
                name=original.name_hint,
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
                    repository.apply_parsed(activity, parsed, parsed.sport, offset, hints.name)
                    updated += 1
    return ReimportSummary(files, updated, failed)


def count_summary(results: Sequence[ImportResult]) -> dict[ImportStatus, int]:
    counts = dict.fromkeys(ImportStatus, 0)
    for result in results:
        counts[result.status] += 1
    return counts


def open_database(url: str | None = None) -> Engine:
    """An engine for `url` (default location when None), migrated to the latest schema."""
    engine = make_engine(url)
    migrate(engine)
    return engine


def load_demo(engine: Engine, today: date | None = None, seed: int = 42) -> list[ImportResult]:
    """Load the demo squad through the real import path, then its shoes and pain entries.

    Athletes already present are skipped, so loading twice changes nothing.
    """
    from loadwatch.sample import COACH, PAIN, SHOES, demo_files, shoe_for_run

    today = today or _today()
    present = {a.name for a in list_athletes(engine)}
    by_athlete: dict[str, list[tuple[str, bytes]]] = {}
    for athlete, name, data in demo_files(today, seed):
        if athlete not in present:
            by_athlete.setdefault(athlete, []).append((name, data))
    results: list[ImportResult] = []
    for athlete, files in by_athlete.items():
        results.extend(import_uploads(engine, files, athlete=athlete, today=today))
        runs = [r for r in list_activities(engine, athlete) if r.sport is Sport.RUN]
        for shoe in (s for s in SHOES if s.athlete == athlete):
            add_shoe(
                engine,
                athlete,
                shoe.name,
                brand_model=shoe.brand_model,
                starting_distance_m=shoe.starting_mi * METRES_PER_MILE,
            )
        pairs = {
            run.id: shoe_for_run(
                athlete, (today - local_day(run.started_at, run.utc_offset_s)).days, index
            )
            for index, run in enumerate(runs)
        }
        assign_shoes(engine, {run_id: pair.name for run_id, pair in pairs.items() if pair})
        for shoe in (s for s in SHOES if s.athlete == athlete):
            if shoe.retired_days_ago is not None:
                retire_shoe(
                    engine, athlete, shoe.name, today - timedelta(days=shoe.retired_days_ago)
                )
            elif shoe.share_every == 1:
                set_default_shoe(engine, athlete, shoe.name)
        for pain in (p for p in PAIN if p.athlete == athlete):
            day = today - timedelta(days=pain.days_ago)
            if pain.morning is not None:
                log_morning_pain(engine, athlete, pain.morning, day, today=today)
            else:
                run = next(
                    (r for r in reversed(runs) if local_day(r.started_at, r.utc_offset_s) == day),
                    None,
                )
                log_pain(
                    engine,
                    athlete,
                    during=pain.during,
                    after=pain.after,
                    location=pain.location,
                    note=pain.note,
                    run_id=run.id if run else None,
                    on_date=day,
                    today=today,
                )
    if by_athlete:
        add_to_squad(engine, COACH, list(by_athlete))
    return results


def local_day(started_at: datetime, utc_offset_s: int) -> date:
    """The local calendar day an activity belongs to (RULES.md: weeks are local)."""
    return (started_at + timedelta(seconds=utc_offset_s)).date()


# ---------------------------------------------------------------- risk engine


def _today() -> date:
    return datetime.now(tz=UTC).date()


def _check_not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise InputError(f"{what} {day.isoformat()} is in the future; give a date up to {today}")


def athlete_settings(engine: Engine, athlete: str) -> AthleteSettings:
    with Session(engine) as session:
        row = repository.get_athlete(session, athlete)
        setting = session.get(Setting, row.id)
        return _settings_view(row, setting)


def _settings_view(athlete: Athlete, setting: Setting | None) -> AthleteSettings:
    thresholds = (
        Thresholds.from_dict(json.loads(setting.thresholds_json))
        if setting and setting.thresholds_json
        else Thresholds()
    )
    return AthleteSettings(
        athlete=athlete.name,
        units=DistanceUnit(setting.units) if setting else DistanceUnit.KM,
        week_start=setting.week_start if setting else 0,
        home_tz=athlete.home_tz,
        thresholds=thresholds,
        default_sport=Sport(athlete.default_sport),
    )


def update_settings(
    engine: Engine,
    athlete: str,
    *,
    units: str | None = None,
    week_start: str | int | None = None,
    home_tz: str | None = None,
    thresholds: dict[str, float] | None = None,
    default_sport: str | None = None,
) -> AthleteSettings:
    """Change units (km|mi), week start, home time zone, default sport (for files that do not
    say, such as a GPX without <type>) or thresholds.

    Raises:
        InputError: an unknown unit, weekday, time zone or threshold; nothing is changed.
        NotFoundError: unknown athlete.
    """
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_athlete(session, athlete)
        setting = repository.settings(session, row.id)
        if units is not None:
            if units not in {u.value for u in DistanceUnit}:
                raise InputError(f"units must be 'km' or 'mi', got {units!r}")
            setting.units = units
        if week_start is not None:
            setting.week_start = _weekday(week_start)
        if default_sport is not None:
            if default_sport not in {s.value for s in Sport}:
                known = ", ".join(s.value for s in Sport)
                raise InputError(f"default sport must be one of {known}; got {default_sport!r}")
            row.default_sport = default_sport
        if home_tz is not None:
            try:
                ZoneInfo(home_tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise InputError(
                    f"unknown time zone {home_tz!r}; use a name like 'Europe/Zurich'"
                ) from None
            row.home_tz = home_tz
        if thresholds is not None:
            current = json.loads(setting.thresholds_json) if setting.thresholds_json else {}
            merged = {**current, **thresholds}
            Thresholds.from_dict(merged)  # validates
            setting.thresholds_json = json.dumps(merged)
        return _settings_view(row, setting)


def _weekday(value: str | int) -> int:
    from loadwatch.report import WEEKDAYS

    if isinstance(value, int) and 0 <= value <= 6:
        return value
    text = str(value).strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if text in (name, name[:3]):
            return index
    raise InputError(f"week start must be a weekday such as 'monday' or 'sunday', got {value!r}")


def report(
    engine: Engine, athlete: str, as_of: date | None = None, today: date | None = None
) -> Report:
    """One athlete's status: weeks, alerts in order, shoes, pain, and the 7-day plan.

    Raises:
        NotFoundError: unknown athlete. InputError: `as_of` in the future.
    """
    today = today or _today()
    as_of = as_of or today
    _check_not_future(as_of, today, "as-of date")
    with Session(engine) as session:
        row = repository.get_athlete(session, athlete)
        settings = _settings_view(row, session.get(Setting, row.id))
        activities = repository.activities_frame(session, row.id)
        shoes = repository.shoes_frame(session, row.id)
        pain = repository.pain_frame(session, row.id)
    ctx = rule_context(
        activities, shoes, pain, as_of, settings.units, settings.week_start, settings.thresholds
    )
    return build_report(athlete, ctx)


@dataclass(frozen=True, slots=True)
class SquadRow:
    """One athlete on the coach's squad table; `risk` sorts the table (higher first)."""

    athlete: str
    this_week_m: float
    growth_ratio: float | None
    largest_spike_ratio: float | None
    pain_zone: str | None
    shoe_status: str | None
    flags: tuple[str, ...]
    top_severity: str | None
    risk: int
    last_run_date: date | None


def squad_overview(
    engine: Engine,
    as_of: date | None = None,
    athletes: Sequence[str] | None = None,
    today: date | None = None,
    coach: str | None = None,
) -> list[SquadRow]:
    """Every athlete's week at a glance, riskiest first (pain red > warnings > cautions).

    Uses only the last 120 days of each log, loaded in one query: cost grows with the squad,
    not with years of history.
    """
    from loadwatch.report import recent_history_start

    today = today or _today()
    as_of = as_of or today
    _check_not_future(as_of, today, "as-of date")
    since = datetime.combine(recent_history_start(as_of), time(), tzinfo=UTC)
    with Session(engine) as session:
        members = (
            repository.squad_athlete_ids(session, repository.get_coach(session, coach).id)
            if coach
            else None
        )
        rows = [
            a
            for a in repository.athletes(session)
            if (athletes is None or a.name in athletes) and (members is None or a.id in members)
        ]
        ids = [a.id for a in rows]
        frames = repository.activities_frames_for(session, ids, since)
        shoes = repository.shoes_frames_for(session, ids)
        pains = repository.pain_frames_for(session, ids)
        settings = {a.id: _settings_view(a, session.get(Setting, a.id)) for a in rows}
    squad = []
    for athlete in rows:
        s = settings[athlete.id]
        ctx = rule_context(
            frames[athlete.id],
            shoes[athlete.id],
            pains[athlete.id],
            as_of,
            s.units,
            s.week_start,
            s.thresholds,
        )
        status = squad_status(athlete.name, ctx)
        squad.append(_squad_row(status))
    return sorted(squad, key=lambda r: (-r.risk, r.athlete))


_SEVERITY_POINTS = {"warning": 100, "caution": 10, "info": 1}
_SHOE_ORDER = ["replace", "caution", "window", "ok", "retired"]


def _squad_row(status: SquadStatus) -> SquadRow:
    ctx, alerts = status.ctx, status.alerts
    distances: list[float] = list(ctx.weekly["run_distance_m"]) if not ctx.weekly.empty else []
    this_week = float(distances[-1]) if len(distances) else 0.0
    last_week = float(distances[-2]) if len(distances) > 1 else 0.0
    recent = ctx.spikes[ctx.spikes["local_date"] > ctx.as_of - timedelta(days=7)]
    largest = float(recent["spike_ratio"].max()) if not recent.empty else float("nan")
    statuses = list(ctx.shoes["status"]) if not ctx.shoes.empty else []
    risk = sum(_SEVERITY_POINTS[a.severity.value] for a in alerts if a.rule_id != "acwr")
    if status.pain.zone == "red":
        risk += 1000
    top = max((a.severity for a in alerts), key=lambda s: SEVERITY_RANK[s], default=None)
    return SquadRow(
        athlete=status.athlete,
        this_week_m=this_week,
        growth_ratio=this_week / last_week - 1 if last_week > 0 else None,
        largest_spike_ratio=_finite(largest),
        pain_zone=status.pain.zone,
        shoe_status=min(statuses, key=_SHOE_ORDER.index) if statuses else None,
        flags=tuple(dict.fromkeys(a.rule_id for a in alerts if a.severity.value != "info")),
        top_severity=top.value if top else None,
        risk=risk,
        last_run_date=ctx.spikes["local_date"].iloc[-1] if not ctx.spikes.empty else None,
    )


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


# ---------------------------------------------------------------- pain


PAIN_LOCATIONS = tuple(p.value for p in PainLocation)


def _score(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InputError(f"{name} pain must be an integer 0-10, got {value!r}")
    return value


def log_pain(
    engine: Engine,
    athlete: str,
    *,
    during: int | None,
    after: int | None,
    location: str | None = None,
    note: str | None = None,
    run_id: int | None = None,
    on_date: date | None = None,
    today: date | None = None,
) -> PainEntryView:
    """Log pain during and after a run (0-10). Default run: the athlete's latest run.

    Raises:
        InputError: a score outside 0-10, an unknown location, a future date, or no score.
        NotFoundError: unknown athlete or run id (or a run of another athlete).
    """
    today = today or _today()
    during, after = _score("during", during), _score("after", after)
    if during is None and after is None:
        raise InputError("give at least one of pain during or pain after (0-10)")
    if location is not None and location not in PAIN_LOCATIONS:
        raise InputError(f"location must be one of {', '.join(PAIN_LOCATIONS)}; got {location!r}")
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_athlete(session, athlete)
        run = (
            repository.get_activity(session, run_id)
            if run_id is not None
            else repository.latest_activity(session, row.id, Sport.RUN)
        )
        if run is not None and run.athlete_id != row.id:
            raise NotFoundError(f"activity {run_id} is not one of {athlete}'s runs")
        if on_date is None:
            on_date = local_day(run.started_at, run.utc_offset_s) if run is not None else today
        _check_not_future(on_date, today, "pain date")
        entry = PainEntry(
            athlete_id=row.id,
            activity_id=run.id if run else None,
            entry_date=on_date,
            during=during,
            after=after,
            morning=None,
            location=location,
            note=(note or None),
            created_at=repository.now_utc(),
        )
        session.add(entry)
        session.flush()
        return _pain_view(entry)


def log_morning_pain(
    engine: Engine, athlete: str, score: int, on_date: date | None = None, today: date | None = None
) -> PainEntryView:
    """Log the next-morning check-in (0-10) for `on_date` (default today); replaces that day's.

    Raises:
        InputError: a score outside 0-10 or a future date. NotFoundError: unknown athlete.
    """
    today = today or _today()
    morning = _score("morning", score)
    on_date = on_date or today
    _check_not_future(on_date, today, "morning date")
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_athlete(session, athlete)
        existing = [
            e
            for e in repository.pain_entries(session, row.id, on_date)
            if e.entry_date == on_date and e.morning is not None
        ]
        if existing:
            entry = existing[-1]
            entry.morning = morning
        else:
            entry = PainEntry(
                athlete_id=row.id,
                activity_id=None,
                entry_date=on_date,
                during=None,
                after=None,
                morning=morning,
                location=None,
                note=None,
                created_at=repository.now_utc(),
            )
            session.add(entry)
        session.flush()
        return _pain_view(entry)


def list_pain(engine: Engine, athlete: str) -> list[PainEntryView]:
    with Session(engine) as session:
        row = repository.get_athlete(session, athlete)
        return [_pain_view(e) for e in repository.pain_entries(session, row.id)]


@dataclass(frozen=True, slots=True)
class PainEntryView:
    id: int
    entry_date: date
    during: int | None
    after: int | None
    morning: int | None
    location: str | None
    note: str | None
    activity_id: int | None


def _pain_view(entry: PainEntry) -> PainEntryView:
    return PainEntryView(
        entry.id,
        entry.entry_date,
        entry.during,
        entry.after,
        entry.morning,
        entry.location,
        entry.note,
        entry.activity_id,
    )


# ---------------------------------------------------------------- shoes


@dataclass(frozen=True, slots=True)
class ShoeView:
    name: str
    brand_model: str | None
    distance_m: float
    starting_distance_m: float
    runs: int
    window_start_m: float
    window_end_m: float
    status: str
    is_default: bool
    retired_on: date | None


def add_shoe(
    engine: Engine,
    athlete: str,
    name: str,
    *,
    brand_model: str | None = None,
    starting_distance_m: float = 0.0,
    window_m: tuple[float, float] | None = None,
    is_default: bool = False,
) -> ShoeView:
    """Add a pair (a new athlete is created on first use). The first pair becomes the default.

    Raises:
        InputError: empty or duplicate name, negative starting distance, bad window.
    """
    name = name.strip()
    if not name:
        raise InputError("shoe name must not be empty")
    if starting_distance_m < 0:
        raise InputError(f"starting distance must not be negative, got {starting_distance_m!r}")
    window = window_m or repository.DEFAULT_WINDOW_M
    if not 0 < window[0] < window[1]:
        raise InputError(
            f"replacement window must be two increasing positive distances, got {window!r}"
        )
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_or_create_athlete(session, athlete)
        if repository.shoe_by_name(session, row.id, name) is not None:
            raise InputError(f"{athlete} already has a shoe named {name!r}")
        first = not repository.shoes(session, row.id)
        if is_default:
            _clear_default(session, row.id)
        repository.create_shoe(
            session, row.id, name, brand_model, starting_distance_m, window, is_default or first
        )
    return _shoe(engine, athlete, name)


def _clear_default(session: Session, athlete_id: int) -> None:
    for shoe in repository.shoes(session, athlete_id):
        shoe.is_default = False


def set_default_shoe(engine: Engine, athlete: str, name: str) -> ShoeView:
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_athlete(session, athlete)
        shoe = _require_shoe(session, row.id, athlete, name)
        if shoe.retired_on is not None:
            raise InputError(f"shoe {name!r} is retired; a retired pair cannot be the default")
        _clear_default(session, row.id)
        shoe.is_default = True
    return _shoe(engine, athlete, name)


def retire_shoe(engine: Engine, athlete: str, name: str, today: date | None = None) -> ShoeView:
    """Retire a pair: it keeps its history but takes no new runs."""
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_athlete(session, athlete)
        shoe = _require_shoe(session, row.id, athlete, name)
        shoe.retired_on = today or _today()
        shoe.is_default = False
    return _shoe(engine, athlete, name)


def assign_shoe(engine: Engine, activity_id: int, name: str) -> None:
    """Put a run on a pair (of the run's athlete).

    Raises:
        NotFoundError: unknown activity or shoe. InputError: not a run, or a retired pair.
    """
    assign_shoes(engine, {activity_id: name})


def assign_shoes(engine: Engine, assignments: dict[int, str]) -> None:
    """Several `assign_shoe` calls in one transaction: all of them or none."""
    with Session(writer(engine)) as session, session.begin():
        for activity_id, name in assignments.items():
            activity = repository.get_activity(session, activity_id)
            if activity.sport != Sport.RUN.value:
                raise InputError(
                    f"activity {activity_id} is a {activity.sport}, not a run; "
                    "shoes count runs only"
                )
            athlete = session.get_one(Athlete, activity.athlete_id)
            activity.shoe_id = _require_shoe(session, athlete.id, athlete.name, name).id


def _require_shoe(session: Session, athlete_id: int, athlete: str, name: str) -> Shoe:
    shoe = repository.shoe_by_name(session, athlete_id, name)
    if shoe is None:
        known = ", ".join(s.name for s in repository.shoes(session, athlete_id)) or "none"
        raise NotFoundError(f"{athlete} has no shoe named {name!r}; known shoes: {known}")
    return shoe


def list_shoes(engine: Engine, athlete: str) -> list[ShoeView]:
    with Session(engine) as session:
        row = repository.get_athlete(session, athlete)
        frame = repository.shoes_frame(session, row.id)
        runs = repository.activities_frame(session, row.id)
        models = {s.id: s for s in repository.shoes(session, row.id)}
    runs = runs[runs["sport"] == Sport.RUN.value]
    mileage = shoe_mileage(runs, frame)
    views = []
    for _, shoe_row in mileage.iterrows():
        model = models[int(shoe_row["shoe_id"])]
        views.append(
            ShoeView(
                name=model.name,
                brand_model=model.brand_model,
                distance_m=float(shoe_row["distance_m"]),
                starting_distance_m=model.starting_distance_m,
                runs=int(shoe_row["runs"]),
                window_start_m=model.window_start_m,
                window_end_m=model.window_end_m,
                status=shoe_status(
                    model.retired_on is not None,
                    float(shoe_row["distance_m"]),
                    model.window_start_m,
                    model.window_end_m,
                ),
                is_default=model.is_default,
                retired_on=model.retired_on,
            )
        )
    return views


def _shoe(engine: Engine, athlete: str, name: str) -> ShoeView:
    return next(s for s in list_shoes(engine, athlete) if s.name == name)


# ---------------------------------------------------------------- coaches


def list_coaches(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [c.name for c in repository.coaches(session)]


def add_to_squad(engine: Engine, coach: str, athletes: Sequence[str]) -> list[str]:
    """Add athletes to a coach's squad (the coach is created on first use).

    Raises:
        InputError: an empty coach name. NotFoundError: an unknown athlete (nothing is added).
    """
    if not coach.strip():
        raise InputError("coach name must not be empty")
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_or_create_coach(session, coach.strip())
        for name in athletes:
            repository.add_squad_member(session, row.id, repository.get_athlete(session, name).id)
        members = repository.squad_athlete_ids(session, row.id)
        return sorted(a.name for a in repository.athletes(session) if a.id in members)
