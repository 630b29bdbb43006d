"""The parse step of an import: what its worker processes run (`parse_job`: parse, apply the
export's hints, check, compress), the forkserver pool and its parent watchdog. Nothing here
touches the database; services/imports.py hands the parsed files to services/store.py."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time as clock
import traceback
import zlib
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from multiprocessing import forkserver, resource_tracker

from loadwatch.domain import ParsedActivity, SourceHints, Sport
from loadwatch.errors import CorruptFileError, InputError
from loadwatch.importers import parse_activity
from loadwatch.importers.archive import SourceFile
from loadwatch.services._localtime import local_offset_s
from loadwatch.services.plausible import apply_hints, check_plausible, clean_hints, sanitize

PARENT_POLL_S = 1.0  # how often an import worker checks that its importer still runs

log = logging.getLogger("loadwatch.import")


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A worker's answer for one file: activities with their UTC offsets, or the error."""

    name: str
    sha256: str
    size_bytes: int
    hints: SourceHints
    activities: tuple[tuple[ParsedActivity, int], ...] = ()
    content_zlib: bytes = b""
    error: InputError | None = None
    traceback: str | None = None  # an unexpected error's traceback, logged by the importer


def utc_offset_s(parsed: ParsedActivity, home_tz: str) -> int:
    """The activity's local offset from the best evidence (services/_localtime.py)."""
    return local_offset_s(parsed, home_tz)


@dataclass(frozen=True, slots=True)
class ParseJob:
    source: SourceFile
    home_tz: str
    default_sport: Sport
    today: date
    sha256: str


def parse_job(job: ParseJob) -> ParsedFile:
    """Parse, apply hints, sanity-check and compress one file; runs in a worker process."""
    source = replace(job.source, hints=clean_hints(job.source.hints))
    data = source.data or b""
    base = ParsedFile(name=source.name, sha256=job.sha256, size_bytes=len(data), hints=source.hints)
    try:
        activities = tuple(
            sanitize(apply_hints(p, source.hints, job.default_sport))
            for p in parse_activity(data, source.name)
        )
        for parsed in activities:
            check_plausible(parsed, source.name, job.today)
        offsets = tuple((p, utc_offset_s(p, job.home_tz)) for p in activities)
    except InputError as exc:
        return replace(base, error=exc)
    except Exception as exc:  # the per-file boundary: one file, one outcome (STYLE.md 5)
        # Logged by the importing process (workers have no log handler): see store.store_batch.
        return replace(
            base, error=describe_unexpected(source.name, exc), traceback=traceback.format_exc()
        )
    return replace(base, activities=offsets, content_zlib=stored_original(data, source.deflate))


_ZLIB_HEADER = b"\x78\x01"  # RFC 1950: deflate, 32 KB window (as zip and gzip use), no dictionary


def stored_original(data: bytes, deflate: bytes | None) -> bytes:
    """The original file as the store keeps it, zlib data (RFC 1950).

    A file that came deflated (a zip member, a .gz file) keeps the deflate stream it came in,
    wrapped as zlib data: it is checked to inflate to exactly `data` first, which costs about
    half as much as compressing again (issue #26). Otherwise, or when the check fails (a .gz file
    of several members, bytes after the stream), `data` is compressed at level 1: the same
    size as level 6 on FIT files (0.51 vs 0.50 of the original on 97 KB SDK-written runs) at
    less than half the CPU (issue #13); zlib.decompress reads every level.
    """
    if deflate is not None:
        wrapped = b"".join((_ZLIB_HEADER, deflate, zlib.adler32(data).to_bytes(4, "big")))
        inflater = zlib.decompressobj()
        try:
            same = inflater.decompress(wrapped, len(data) + 1) == data and inflater.eof
        except zlib.error:
            same = False
        if same:
            return wrapped
    return zlib.compress(data, 1)


def unexpected_error(name: str, exc: BaseException) -> CorruptFileError:
    """A rejection for an exception no check foresaw: logged with its traceback for us (a bug
    to fix), shown to the user as one sentence without server paths (issue #15)."""
    log.error("unexpected error importing %r", name, exc_info=exc)
    return describe_unexpected(name, exc)


def describe_unexpected(name: str, exc: BaseException) -> CorruptFileError:
    """The user's sentence for an unexpected error: the file, the exception's class, no paths."""
    return CorruptFileError(
        f"{name!r} could not be read: loadwatch met a problem it does not know yet "
        f"({type(exc).__name__}); the rest of the import goes on, and the details are in "
        "loadwatch's log"
    )


def parse_batch(jobs: list[ParseJob]) -> list[ParsedFile]:
    return [parse_job(job) for job in jobs]


def worker_pool() -> ProcessPoolExecutor:
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
    context.set_forkserver_preload(["loadwatch.services.parse_pool"])
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


def stop_pool_helpers() -> None:
    """Stop and reap the forkserver and the resource tracker that an import's process pool
    started in this process; the next pool starts them again.

    They are children of this process. `loadwatch dashboard --demo` loads the demo (a pool)
    and then execs Streamlit in the same process: the helpers see their pipes close and exit,
    and Streamlit, which never started them, never waits for them, so they stayed as two
    `<defunct>` processes for the server's lifetime (issue #13). Call this before an exec.
    CPython's `_stop()` methods are the ones its own test suite uses for exactly this.
    """
    for helper in (forkserver._forkserver, resource_tracker._resource_tracker):
        stop = getattr(helper, "_stop", None)
        if stop is not None:
            stop()


CHUNKS_PER_WORKER = 4  # a batch's share of work per worker, in chunks (issue #26)


def submit(executor: Executor, jobs: list[ParseJob]) -> list[Future[list[ParsedFile]]]:
    """Split a batch into chunks for the workers; the futures resolve in input order.

    A few chunks per worker, not one: files differ a hundredfold in parse time (a 3 MB TCX, a
    90 KB FIT), and with one chunk each, a worker that drew the light half sat idle until the
    next batch came (issue #26); a worker also holds one chunk's bytes at a time, not half a
    batch's.
    """
    chunks = (os.cpu_count() or 1) * CHUNKS_PER_WORKER
    step = max(1, -(-len(jobs) // chunks))
    return [executor.submit(parse_batch, jobs[i : i + step]) for i in range(0, len(jobs), step)]


def gather(parts: list[Future[list[ParsedFile]]]) -> list[ParsedFile]:
    return [parsed for part in parts for parsed in part.result()]
