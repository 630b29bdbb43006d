"""Importing activity files: archives in, one result per file out. Each file session becomes a
source of an activity: `repository.same_activity_candidates` finds the activity it is another
recording of, and services/activities.py merges the activity's fields from all its sources."""

from __future__ import annotations

import functools
import hashlib
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.faults import storage_error
from loadwatch.db.health import require_intact
from loadwatch.db.models import Activity, ActivitySource, Athlete, Shoe
from loadwatch.domain import (
    DEFAULT_ATHLETE,
    ImportResult,
    ImportStatus,
    ParsedActivity,
    SourceHints,
    Sport,
)
from loadwatch.errors import InputError, StorageError
from loadwatch.importers.archive import (
    ExpansionBudget,
    ExpansionLimits,
    SourceFile,
    expand_bytes,
    expand_path,
)
from loadwatch.services._checks import athlete_name, file_text
from loadwatch.services._common import _today
from loadwatch.services._worker import (
    _gather,
    _Job,
    _parse_batch,
    _parse_job,
    _Parsed,
    _pool,
    _submit,
    log,
    unexpected_error,
)
from loadwatch.services.activities import attach, recompute
from loadwatch.services.athletes import default_home_tz, shoe_window_m

BATCH_FILES = 64  # files parsed and committed together (one SAVEPOINT each); bounds memory
# ... and bytes (issue #13): a batch closes once it holds this much, so it holds at most this
# plus one file (MAX_FILE_BYTES), however an archive's members are shaped.
BATCH_BYTES = 16 * 1024 * 1024
# Bytes parsed in the pool and waiting to be written at once: a batch that would take the two
# past this waits for the pending one to be written first (two ordinary batches still overlap).
MAX_INFLIGHT_BYTES = 48 * 1024 * 1024
PARALLEL_MIN_FILES = 32  # below this (and PARALLEL_MIN_BYTES) a pool costs more than it saves
PARALLEL_MIN_BYTES = 8 * 1024 * 1024


Progress = Callable[[ImportResult], None]


def import_uploads(
    engine: Engine,
    files: Iterable[tuple[str, bytes]],
    athlete: str = DEFAULT_ATHLETE,
    progress: Progress | None = None,
    today: date | None = None,
    *,
    actor: Actor = LOCAL,
    limits: ExpansionLimits | None = None,
) -> list[ImportResult]:
    """Import uploaded files (name, bytes): activity files, .gz files or zip archives.

    Each file is its own unit: it is imported whole or not at all, and a bad file does not stop
    the others.

    Args:
        files: (file name, bytes) pairs; the name is used in messages only (content is sniffed).
        athlete: whose runs (created on first use).
        progress: called with each result as soon as its batch is committed.
        today: the local day used to refuse activities that start in the future.
        limits: how far this import may expand archives (default: `ExpansionLimits.from_env`,
            docs/importers.md); past them an archive is one rejection and is not read further.

    Returns:
        One `ImportResult` per activity stored or merged (a multisport FIT gives several) and one
        per duplicate or rejected file, batch by batch (rejections found while reading a batch
        come before that batch's stored activities).
    """

    budget = ExpansionBudget(limits or ExpansionLimits.from_env())

    def sources() -> Iterator[SourceFile]:
        for name, data in files:
            yield from _guarded(name, functools.partial(expand_bytes, name, data, budget=budget))

    return _import(engine, sources(), athlete, progress, today, actor)


def import_paths(
    engine: Engine,
    paths: Iterable[Path],
    athlete: str = DEFAULT_ATHLETE,
    progress: Progress | None = None,
    today: date | None = None,
    *,
    actor: Actor = LOCAL,
    limits: ExpansionLimits | None = None,
) -> list[ImportResult]:
    """Import files, folders (recursively) and archives from disk; see `import_uploads`."""
    budget = ExpansionBudget(limits or ExpansionLimits.from_env())

    def sources() -> Iterator[SourceFile]:
        for path in paths:
            yield from _guarded(str(path), functools.partial(expand_path, Path(path), budget))

    return _import(engine, sources(), athlete, progress, today, actor)


def _batches(
    sources: Iterator[SourceFile], max_files: int, max_bytes: int
) -> Iterator[list[SourceFile]]:
    """Batches that close at `max_files` files or once they hold `max_bytes` (issue #13):
    memory follows the bytes in flight, not a count of files that may each be 64 MB."""
    batch: list[SourceFile] = []
    size_bytes = 0
    for source in sources:
        batch.append(source)
        size_bytes += _size_bytes(source)
        del source  # held by the batch only: gone with it while the next file is read
        if len(batch) >= max_files or size_bytes >= max_bytes:
            yield batch
            batch, size_bytes = [], 0
    if batch:
        yield batch


def _size_bytes(source: SourceFile) -> int:
    return len(source.data) if source.data is not None else 0


RERUN_IMPORT = "run the same command again, the rest will be imported"


def _import(
    engine: Engine,
    sources: Iterator[SourceFile],
    athlete: str,
    progress: Progress | None,
    today: date | None,
    actor: Actor = LOCAL,
) -> list[ImportResult]:
    """`_import_files`, with a fault of the disk or the database (issue #23) told in one line
    that says how many files were saved: each batch is committed whole, so those are kept, and
    running the same import again skips them as duplicates and imports the rest.

    Raises:
        StorageError: the disk filled, the database was held, read-only or damaged, or its
            server went away; the traceback goes to the log file.
    """
    results: list[ImportResult] = []
    try:
        return _import_files(engine, sources, athlete, progress, today, actor, results)
    except (SQLAlchemyError, OSError, StorageError) as exc:
        saved = len({r.filename for r in results if r.status in _SAVED})
        progress_text = (
            f"{saved} files were saved before it stopped" if saved else "no file was saved"
        )
        error = storage_error(exc, engine.url, progress=progress_text, rerun=RERUN_IMPORT)
        if error is None:
            raise
        log.error("import stopped: %s", error, exc_info=exc)
        raise error from exc


_SAVED = frozenset({ImportStatus.IMPORTED, ImportStatus.MERGED})


def _import_files(
    engine: Engine,
    sources: Iterator[SourceFile],
    athlete: str,
    progress: Progress | None,
    today: date | None,
    actor: Actor,
    results: list[ImportResult],
) -> list[ImportResult]:
    today = today or _today()
    write_engine = writer(engine)
    with Session(write_engine) as session, session.begin():
        # A club account imports for an athlete it may change (a runner: their own); only the
        # local user and admins create an athlete by importing for a new name.
        athlete_row = (
            auth.athlete_for(session, actor, athlete_name(athlete), write=True)
            if not (actor.is_local or actor.role == Role.ADMIN)
            else repository.get_or_create_athlete(
                session, athlete_name(athlete), home_tz=default_home_tz()
            )
        )
        auth.account(session, actor)  # a disabled admin stops here too
        auth.record(session, actor, "import", athlete_row.name)
        athlete_id, home_tz = athlete_row.id, athlete_row.home_tz
        default_sport = Sport(athlete_row.default_sport)

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

    pending_bytes = 0
    try:
        for batch in _batches(sources, BATCH_FILES, BATCH_BYTES):
            jobs, dupes = _prepare(engine, batch, athlete_id, home_tz, default_sport, today)
            jobs_bytes = sum(_size_bytes(job.source) for job in jobs)
            if executor is None and _worth_a_pool(len(jobs), jobs_bytes):
                executor = _pool()
            if executor is not None:
                if pending_bytes + jobs_bytes > MAX_INFLIGHT_BYTES:
                    flush_pending()  # written before more is read in: bytes in flight bounded
                    pending, pending_dupes, pending_bytes = None, [], 0
                # The workers parse this batch while the previous one is written.
                submitted = _submit(executor, jobs)
                flush_pending()
                pending, pending_dupes, pending_bytes = submitted, dupes, jobs_bytes
            else:
                for result in dupes:
                    report(result)
                _store(write_engine, athlete_id, _parse_batch(jobs), report)
            del batch, jobs  # not kept alive while the next batch is read
        flush_pending()
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return results


def _worth_a_pool(files: int, size_bytes: int) -> bool:
    """Enough parsing in one batch for worker processes to pay for themselves."""
    has_work = files >= PARALLEL_MIN_FILES or (files > 1 and size_bytes >= PARALLEL_MIN_BYTES)
    return has_work and (os.cpu_count() or 1) > 1


def _prepare(
    engine: Engine,
    batch: list[SourceFile],
    athlete_id: int,
    home_tz: str,
    default_sport: Sport,
    today: date,
) -> tuple[list[_Job], list[ImportResult]]:
    """Hash a batch (reads only), answer unreadable, empty and already-stored files at once.

    Messages tell the truth (issues #10, #15): an empty file is empty; a file stored for another
    athlete says so without showing that athlete's activities; a file given twice in one import
    names its twin.
    """
    results: list[ImportResult] = []
    hashed: list[tuple[SourceFile, str]] = []
    for source in batch:
        if source.error is not None or source.data is None:
            message = str(source.error) if source.error else f"{source.name!r} could not be read"
            results.append(ImportResult(source.name, ImportStatus.REJECTED, message))
        elif not source.data.strip():
            message = f"{source.name!r} is empty; export the activity again"
            results.append(ImportResult(source.name, ImportStatus.REJECTED, message))
        else:
            hashed.append((source, hashlib.sha256(source.data).hexdigest()))
    with Session(engine) as session:
        owners = repository.hash_owners(session, (h for _, h in hashed))
        jobs = []
        first_of: dict[str, str] = {}
        for source, sha in hashed:
            if sha in first_of:
                message = f"{source.name!r} is the same file as {first_of[sha]!r}; skipped"
                results.append(ImportResult(source.name, ImportStatus.DUPLICATE, message))
            elif sha in owners and owners[sha] != athlete_id:
                message = (
                    f"{source.name!r} was already imported for another athlete; loadwatch keeps "
                    "each file once: to make it this athlete's, move the activity "
                    "(`loadwatch activities move ID --athlete NAME`)"
                )
                results.append(ImportResult(source.name, ImportStatus.DUPLICATE, message))
            elif sha in owners:
                ids = repository.activity_ids_for_hash(session, sha)
                results.append(_duplicate(source.name, ids))
            else:
                first_of[sha] = source.name
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


def _guarded(name: str, expand: Callable[[], Iterable[SourceFile]]) -> Iterator[SourceFile]:
    """The per-input boundary of archive reading: an exception no check foresaw ends only this
    input (reported as one rejection), never the import (issue #15)."""
    try:
        yield from expand()
    except InputError as exc:
        yield SourceFile(name, None, error=exc)
    except StorageError:
        raise  # a full temporary folder is the import's problem, not this file's (issue #23)
    except Exception as exc:  # one input, one outcome (the per-file boundary)
        yield SourceFile(name, None, error=unexpected_error(name, exc))


def stored_name(name: str) -> str:
    """A file's name as stored (500 characters, the end kept: the file, not the folders)."""
    return file_text(name[-500:], 500) or "unnamed file"


DEADLOCK_RETRIES = 3  # PostgreSQL may pick a batch as a deadlock victim; it is run again
RECONNECT_RETRIES = 1  # a batch whose connection was lost (a server restart) is tried once more


def _store(engine: Engine, athlete_id: int, parsed_files: list[_Parsed], report: Progress) -> None:
    """Write a batch: one transaction, one SAVEPOINT per file: a file lands whole or not at all.

    The athlete's rows are locked for the batch (PostgreSQL advisory lock; SQLite has one writer)
    so that two imports of the same activity from two formats cannot both miss each other; a
    batch chosen as a deadlock victim is run again from the start.
    """
    deadlocks = reconnects = 0
    while True:
        try:
            outcomes = _store_batch(engine, athlete_id, parsed_files)
            break
        except DBAPIError as exc:
            # Safe to run again: the batch's transaction was rolled back with the connection,
            # and a file whose commit did land is found by its hash (a duplicate, never twice).
            if exc.connection_invalidated and reconnects < RECONNECT_RETRIES:
                reconnects += 1
                log.warning("connection lost storing a batch for athlete %s; retrying", athlete_id)
                continue
            deadlocks += 1
            is_deadlock = isinstance(exc, OperationalError) and repository.is_deadlock(exc)
            if not is_deadlock or deadlocks >= DEADLOCK_RETRIES:
                raise
            log.warning("deadlock storing a batch for athlete %s; retrying", athlete_id)
    for outcome in outcomes:  # reported only once the batch is committed
        report(outcome)


def _store_batch(
    engine: Engine, athlete_id: int, parsed_files: list[_Parsed]
) -> list[ImportResult]:
    outcomes: list[ImportResult] = []
    with Session(engine) as session, session.begin():
        repository.lock_athlete(session, athlete_id)
        default_shoe = repository.default_shoe(session, athlete_id)
        for parsed in parsed_files:
            if parsed.error is not None:
                if parsed.traceback:
                    log.error("unexpected error importing %r\n%s", parsed.name, parsed.traceback)
                described = parsed.hints.describe()  # issue #24: the export's name and date
                text = f"{described}: {parsed.error}" if described else str(parsed.error)
                outcomes.append(ImportResult(parsed.name, ImportStatus.REJECTED, text))
                continue
            try:
                with session.begin_nested():
                    outcomes.extend(_store_file(session, athlete_id, default_shoe, parsed))
            except IntegrityError:
                # Another import stored the same file between our check and our write.
                ids = repository.activity_ids_for_hash(session, parsed.sha256)
                outcomes.append(_duplicate(parsed.name, ids))
            except OperationalError:
                raise  # a deadlock or a lost connection: the whole batch, not this file
            except SQLAlchemyError as exc:
                # A value the database refuses (PostgreSQL: a NUL, a too-long text): this file
                # is rejected, the savepoint rolled back, the batch goes on.
                error = unexpected_error(parsed.name, exc)
                outcomes.append(ImportResult(parsed.name, ImportStatus.REJECTED, str(error)))
    return outcomes


def _store_file(
    session: Session, athlete_id: int, default_shoe: Shoe | None, parsed_file: _Parsed
) -> list[ImportResult]:
    """Store one file's original, then each of its sessions as a source: of the activity it is
    another recording of (merged field by field), or of a new activity."""
    hints = parsed_file.hints
    name = stored_name(parsed_file.name)
    repository.add_original(
        session,
        athlete_id,
        parsed_file.sha256,
        name,
        parsed_file.size_bytes,
        parsed_file.content_zlib,
        hints.sport.value if hints.sport else None,
        hints.gear,
        hints.name,
        hints.effort_rpe,
    )
    session.flush()
    results = []
    for index, (parsed, offset) in enumerate(parsed_file.activities):
        source = ActivitySource(sha256=parsed_file.sha256, session_index=index)
        repository.apply_parsed(source, parsed, offset)
        activity, previous = attach(session, athlete_id, source, name, hints.name)
        if activity.sport == Sport.RUN.value and activity.shoe_id is None:
            day = (activity.started_at + timedelta(seconds=activity.utc_offset_s)).date()
            activity.shoe_id = _shoe_for(session, athlete_id, hints, default_shoe, day)
        session.flush()
        status, message = ImportStatus.IMPORTED, ""
        if previous is not None:
            status = ImportStatus.MERGED
            # No ids or commands here: the dashboard shows this too (issue #24); the CLI adds
            # its `loadwatch activities --id N` pointer itself.
            if activity.source_sha256 == parsed_file.sha256:
                message = (
                    f"{parsed_file.name!r} is the same activity as {previous!r}; kept this "
                    f"richer {parsed.source_format.value.upper()} record as its primary source "
                    "and merged the files field by field"
                )
            else:
                message = (
                    f"{parsed_file.name!r} is the same activity as {activity.source_file!r}, "
                    "which has as much data or more; kept that one as its primary source and "
                    "merged the files field by field"
                )
        if parsed.sport is Sport.UNKNOWN and activity.sport == Sport.UNKNOWN.value:
            message = message or unknown_sport_note(parsed_file.name, parsed)
        if parsed.repairs:  # issue #26: imported as repaired, and the result says how
            repaired = f"repaired {parsed_file.name!r}: " + "; ".join(parsed.repairs)
            message = f"{message}; {repaired}" if message else repaired
        results.append(
            ImportResult(
                parsed_file.name,
                status,
                message,
                activity.id,
                parsed.sport,
                parsed.started_at,
                parsed.distance_m,
            )
        )
    return results


def unknown_sport_note(filename: str, parsed: ParsedActivity) -> str:
    """Why a file was stored as `unknown` (issue #24): it does not say its sport, and its speed
    fits no sport it could take by default; it counts toward no running rule until set."""
    moving_s = parsed.moving_s or parsed.duration_s
    speed = (
        f" at {parsed.distance_m / moving_s * 3.6:.1f} km/h"
        if moving_s > 0 and parsed.distance_m > 0
        else ""
    )
    return (
        f"{filename!r} does not say its sport, and {parsed.distance_m / 1000:.2f} km{speed} "
        "does not fit your default sport: stored as unknown, not counted as a run; set its "
        "sport on the Activities page (or `loadwatch activities set-sport`)"
    )


def _shoe_for(
    session: Session,
    athlete_id: int,
    hints: SourceHints,
    default_shoe: Shoe | None,
    day: date,
) -> int | None:
    """A Strava export's gear column names the pair; else the athlete's default pair, if the
    run's local `day` is not before the pair's first day of use (issue #24)."""
    if hints.gear:
        shoe = repository.shoe_by_name(session, athlete_id, hints.gear)
        if shoe is None:
            athlete = session.get_one(Athlete, athlete_id)
            window = shoe_window_m(session, athlete)
            shoe = repository.create_shoe(session, athlete_id, hints.gear, None, 0.0, window)
        return shoe.id
    if default_shoe is None:
        return None
    if default_shoe.first_used_on is not None and day < default_shoe.first_used_on:
        return None
    return default_shoe.id


@dataclass(frozen=True, slots=True)
class ReimportSummary:
    files: int
    updated: int
    failed: list[str]


def reimport(engine: Engine, today: date | None = None, *, actor: Actor = LOCAL) -> ReimportSummary:
    """Re-derive every activity from its stored original files (after an importer fix).

    Each source is read again from its file, then each activity touched is merged again from
    all its sources. Activities keep their ids, shoes, pain links and a sport the runner set.
    A stored file no activity is made of (the losing file of a merge made before issue #10)
    is attached as a source the way an import would.
    """
    with Session(engine) as session:
        auth.require_admin(session, actor, "re-importing every athlete's files")
    try:
        require_intact(engine)
        return _reimport(engine, today or _today())
    except (SQLAlchemyError, OSError) as exc:
        error = storage_error(
            exc, engine.url, progress="nothing was changed (a re-import is one transaction)"
        )
        if error is None:
            raise
        log.error("reimport stopped: %s", error, exc_info=exc)
        raise error from exc


def _reimport(engine: Engine, today: date) -> ReimportSummary:
    files = 0
    touched: set[int] = set()
    failed: list[str] = []
    with Session(writer(engine)) as session, session.begin():
        for original in repository.originals(session):
            files += 1
            athlete = session.get_one(Athlete, original.athlete_id)
            hints = SourceHints(
                sport=Sport(original.sport_hint) if original.sport_hint else None,
                gear=original.gear_hint,
                name=original.name_hint,
                effort_rpe=original.effort_hint,
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
            rows = repository.sources_for_hash(session, original.sha256)
            if not rows:
                for index, (parsed, offset) in enumerate(result.activities):
                    row = ActivitySource(sha256=original.sha256, session_index=index)
                    repository.apply_parsed(row, parsed, offset)
                    activity, _ = attach(
                        session, original.athlete_id, row, original.filename, hints.name
                    )
                    touched.add(activity.id)
                continue
            for row in rows:
                if row.session_index < len(result.activities):
                    parsed, offset = result.activities[row.session_index]
                    repository.apply_parsed(row, parsed, offset)
                    touched.add(row.activity_id)
        for activity_id in sorted(touched):
            stored = session.get(Activity, activity_id)
            if stored is not None:  # not joined into another one meanwhile
                recompute(session, stored)
    return ReimportSummary(files, len(touched), failed)


def count_summary(results: Sequence[ImportResult]) -> dict[ImportStatus, int]:
    counts = dict.fromkeys(ImportStatus, 0)
    for result in results:
        counts[result.status] += 1
    return counts
