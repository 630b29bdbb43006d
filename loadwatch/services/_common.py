"""Small helpers shared by the service modules: the one clock and the future-date check."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
from collections.abc import Iterator
from datetime import date
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_log_path

TODAY_ENV = "LOADWATCH_TODAY"  # tests, screenshots and demos pin "today"; users never set it


def today() -> date:
    """The one clock: the runner's local calendar day (this machine's), or $LOADWATCH_TODAY.

    The CLI and the dashboard both call this and pass the day to every service that needs it,
    so "this week" and "starts in the future" agree between them (issue #8).
    """
    pinned = os.environ.get(TODAY_ENV)
    return date.fromisoformat(pinned) if pinned else date.today()  # noqa: DTZ011 - local day


LOG_ENV = "LOADWATCH_LOG_DIR"  # where the log goes (default: the user's log directory)


def configure_logging() -> Path:
    """Send loadwatch's log (unexpected errors with their tracebacks) to a rotating file, never
    to the user's screen; return the file's path. Safe to call more than once."""
    folder = Path(os.environ.get(LOG_ENV) or user_log_path("loadwatch"))
    path = folder / "loadwatch.log"
    logger = logging.getLogger("loadwatch")
    if not any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):  # owner-only, like the database (#21)
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            handler: logging.Handler = RotatingFileHandler(
                path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
            )
        except OSError:
            handler = logging.NullHandler()  # a read-only home: no log rather than no import
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return path


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a bulk computation (issue #27).

    A squad's rows allocate a few hundred thousand short-lived objects (result rows, dates,
    floats, small frames); each batch of allocations triggers a collection, and the full ones
    walk the whole heap: about 15 % of `squad_overview`'s CPU. Reference counting still frees
    everything on the way; the collector resumes after (and runs as usual then), and is left
    alone if something else had already paused it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
