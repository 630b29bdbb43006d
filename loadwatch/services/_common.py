"""Small helpers shared by the service modules: the one clock and the future-date check."""

from __future__ import annotations

import os
from datetime import date

from loadwatch.errors import InputError

TODAY_ENV = "LOADWATCH_TODAY"  # tests, screenshots and demos pin "today"; users never set it


def today() -> date:
    """The one clock: the runner's local calendar day (this machine's), or $LOADWATCH_TODAY.

    The CLI and the dashboard both call this and pass the day to every service that needs it,
    so "this week" and "starts in the future" agree between them (issue #8).
    """
    pinned = os.environ.get(TODAY_ENV)
    return date.fromisoformat(pinned) if pinned else date.today()  # noqa: DTZ011 - local day


def _today() -> date:
    """The default for library callers that pass no `today`: the same clock."""
    return today()


def _check_not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise InputError(f"{what} {day.isoformat()} is in the future; give a date up to {today}")
