"""Importing activity files: archives in, one result per file out, in one visible sequence
(`_import_files`; docs/architecture.md walks it with a real upload):

1. expand: `importers.archive.expand_bytes` / `expand_path` stream archives into files, within
   the expansion limits read once here (`limits.expansion_limits`);
2. hash: `_dedup` answers at once, without parsing, a file already stored (by its sha256), an
   empty or unreadable one, and a file given twice;
3. parse: `parse_pool.parse_job` (in worker processes for a large import) reads each file with
   `importers.parse_activity`;
4. check: in the same job, `plausible.apply_hints`, `sanitize` and `check_plausible`;
5. match: `store.attach` finds the stored activity each session is another recording of
   (`merge.same_activity` among the candidates db/sources.py fetches by time window);
6. merge: `merge.merge_sources` computes the activity's fields from all its sources;
7. store: `store.store_batch` writes a batch in one transaction, each file in one SAVEPOINT.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.faults import storage_error
from loadwatch.domain import (
    DEFAULT_ATHLETE,
    ImportResult,
    ImportStatus,
    Sport,
)
from loadwatch.errors import InputError, StorageError
from loadwatch.importers.archive import SourceFile, expand_bytes, expand_path
from loadwatch.importers.budget import ExpansionBudget, ExpansionLimits
from loadwatch.services._checks import athlete_name
from loadwatch.services._common import today as local_today
from loadwatch.services._localtime import default_home_tz
from loadwatch.services.limits import expansion_limits
from loadwatch.services.parse_pool import (
    ParsedFile,
    ParseJob,
    gather,
    log,
    parse_batch,
    submit,
    unexpected_error,
    worker_pool,
)
from loadwatch.services.store import Progress, duplicate_result, store_batch

BATCH_FILES = 64  # files parsed and committed together (one SAVEPOINT each); bounds memory
# ... and bytes (issue #13): a batch closes once it holds this much, so it holds at most this
# plus one file (MAX_FILE_BYTES), however an archive's members are shaped.
BATCH_BYTES = 16 * 1024 * 1024
# Bytes parsed in the pool and waiting to be written at once: a batch that would take the two
# past this waits for the pending one to be written first (two ordinary batches still overlap).
MAX_INFLIGHT_BYTES = 48 * 1024 * 1024
PARALLEL_MIN_FILES = 32  # below this (and PARALLEL_MIN_BYTES) a pool costs more than it saves
PARALLEL_MIN_BYTES = 8 * 1024 * 1024


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
        limits: how far this import may expand archives (default: `limits.expansion_limits`,
            docs/importers.md); past them an archive is one rejection and is not read further.

    Returns:
        One `ImportResult` per activity stored or merged (a multisport FIT gives several) and one
        per duplicate or rejected file, batch by batch (rejections found while reading a batch
        come before that batch's stored activities).
    """

    budget = ExpansionBudget(limits or expansion_limits())

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
    budget = ExpansionBudget(limits or expansion_limits())

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
    """The memory a file takes in flight: its bytes and the deflate stream they came in."""
    data, deflate = source.data, source.deflate
    return (len(data) if data is not None else 0) + (len(deflate) if deflate is not None else 0)


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
    today = today or local_today()
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
    pending: list[Future[list[ParsedFile]]] | None = None
    pending_dupes: list[ImportResult] = []

    def flush_pending() -> None:
        if pending is not None:
            for result in pending_dupes:
                report(result)
            store_batch(write_engine, athlete_id, gather(pending), report)

    pending_bytes = 0
    try:
        for batch in _batches(sources, BATCH_FILES, BATCH_BYTES):
            jobs, dupes = _dedup(engine, batch, athlete_id, home_tz, default_sport, today)
            jobs_bytes = sum(_size_bytes(job.source) for job in jobs)
            if executor is None and _worth_a_pool(len(jobs), jobs_bytes):
                executor = worker_pool()
            if executor is not None:
                if pending_bytes + jobs_bytes > MAX_INFLIGHT_BYTES:
                    flush_pending()  # written before more is read in: bytes in flight bounded
                    pending, pending_dupes, pending_bytes = None, [], 0
                # The workers parse this batch while the previous one is written.
                submitted = submit(executor, jobs)
                flush_pending()
                pending, pending_dupes, pending_bytes = submitted, dupes, jobs_bytes
            else:
                for result in dupes:
                    report(result)
                store_batch(write_engine, athlete_id, parse_batch(jobs), report)
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


def _dedup(
    engine: Engine,
    batch: list[SourceFile],
    athlete_id: int,
    home_tz: str,
    default_sport: Sport,
    today: date,
) -> tuple[list[ParseJob], list[ImportResult]]:
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
        elif not source.data or source.data.isspace():  # `not data.strip()`, without a copy
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
                results.append(duplicate_result(source.name, ids))
            else:
                first_of[sha] = source.name
                jobs.append(ParseJob(source, home_tz, default_sport, today, sha))
    return jobs, results


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


def count_summary(results: Sequence[ImportResult]) -> dict[ImportStatus, int]:
    counts = dict.fromkeys(ImportStatus, 0)
    for result in results:
        counts[result.status] += 1
    return counts
