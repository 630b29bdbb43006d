"""Watch a folder and import activity files as they appear (issue #12): a watch's USB
`GARMIN/Activity` folder, a phone app's synced folder. File events come from watchdog
(inotify, FSEvents, ReadDirectoryChangesW); imports go through `import_paths`, so the
de-duplication is the one every import uses.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor, Role
from loadwatch.domain import ImportResult
from loadwatch.errors import InputError
from loadwatch.services._checks import athlete_name
from loadwatch.services.imports import import_paths

if TYPE_CHECKING:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler

WATCHED_SUFFIXES = (".fit", ".gpx", ".tcx", ".gz", ".zip")
# Names a writer uses while a file is incomplete (browsers, rsync, sync clients): never read.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".filepart")
_WRITE_EVENTS = frozenset({"created", "modified", "moved", "closed"})
SETTLE_S = 2.0  # a file is complete once its size and time stamp hold still this long
POLL_S = 0.2  # how often pending files are looked at


@dataclass(frozen=True, slots=True)
class _Seen:
    size: int
    mtime_ns: int
    since: float  # time.monotonic() when this size and time stamp were first seen


def is_activity_file(path: Path) -> bool:
    """A file worth importing: an activity or archive suffix, not hidden, not a partial."""
    name = path.name.lower()
    if name.startswith(".") or name.startswith("~") or name.endswith(PARTIAL_SUFFIXES):
        return False
    return name.endswith(WATCHED_SUFFIXES)


class _Pending:
    """Paths the watcher saw change, shared between the watchdog thread and the import loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: dict[Path, _Seen | None] = {}
        self._done: dict[Path, tuple[int, int]] = {}  # size and time stamp when read

    def add(self, path: Path) -> None:
        if is_activity_file(path):
            with self._lock:
                self._paths[path] = None  # (re)start its settling time

    def ready(self, settle_s: float) -> list[Path]:
        """Paths whose size and time stamp have held still for `settle_s`; vanished ones are
        dropped, empty ones wait."""
        now = time.monotonic()
        done: list[Path] = []
        with self._lock:
            for path, seen in list(self._paths.items()):
                try:
                    stat = path.stat()
                except OSError:  # deleted or renamed away before it settled
                    del self._paths[path]
                    continue
                if seen is None or (stat.st_size, stat.st_mtime_ns) != (seen.size, seen.mtime_ns):
                    self._paths[path] = _Seen(stat.st_size, stat.st_mtime_ns, now)
                elif stat.st_size > 0 and now - seen.since >= settle_s:
                    del self._paths[path]
                    if self._done.get(path) != (seen.size, seen.mtime_ns):  # not read as is
                        self._done[path] = (seen.size, seen.mtime_ns)
                        done.append(path)
        return sorted(done)


def _handler(pending: _Pending) -> FileSystemEventHandler:
    from watchdog.events import FileSystemEventHandler

    class _Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            # Writes only: reading a file (ours included) raises "opened" and "closed_no_write"
            if event.is_directory or event.event_type not in _WRITE_EVENTS:
                return
            target = getattr(event, "dest_path", "") or event.src_path
            pending.add(Path(str(target)))

    return _Handler()


def watch_folder(
    engine: Engine,
    folder: Path,
    athlete: str,
    *,
    on_result: Callable[[ImportResult], None],
    stop: threading.Event | None = None,
    on_ready: Callable[[], None] | None = None,
    existing: bool = True,
    settle_s: float | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> None:
    """Import every activity file that appears in `folder` (and its subfolders) until `stop`
    is set or the process is interrupted (Ctrl-C raises KeyboardInterrupt out of here).

    A file is imported once its size and time stamp have not changed for `settle_s` seconds
    (default `SETTLE_S`), so a file still being copied or written is read whole. Hidden and
    partial names (`.part`, `.tmp`, ...) are ignored; when the writer renames one to its final
    name, that name is imported. Each file goes through `import_paths`: a file already imported is a
    duplicate, the same run from another source is merged.

    Args:
        existing: also import the files already there when watching starts (duplicates are
            recognised, so this is safe to repeat).
        on_result: called with each file's `ImportResult`.
        on_ready: called once the watch is in place (files written after it are seen).

    Raises:
        InputError: `folder` is not a folder; a bad athlete name.
        NotAllowedError: `actor` may not import for `athlete`.
    """
    athlete = athlete_name(athlete)
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InputError(f"{str(folder)!r} is not a folder; give the folder to watch")
    settle_s = SETTLE_S if settle_s is None else settle_s
    if not settle_s >= 0:
        raise InputError(f"settle time must be 0 seconds or more, got {settle_s!r}")
    with Session(engine) as session:  # refused before watching, not at the first file
        if actor.is_local or actor.role == Role.ADMIN:
            auth.account(session, actor)
        else:
            auth.athlete_for(session, actor, athlete, write=True)
    from watchdog.observers import Observer

    pending = _Pending()
    observer = Observer()
    observer.schedule(_handler(pending), str(folder), recursive=True)
    observer.start()
    try:
        if existing:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                pending.add(path)
        if on_ready is not None:
            on_ready()
        while stop is None or not stop.is_set():
            for path in pending.ready(settle_s):
                for result in import_paths(
                    engine, [path], athlete=athlete, today=today, actor=actor
                ):
                    on_result(result)
            if stop is not None:
                stop.wait(POLL_S)
            else:
                time.sleep(POLL_S)
    finally:
        observer.stop()
        observer.join(timeout=10)
