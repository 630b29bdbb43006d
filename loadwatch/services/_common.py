"""Small helpers shared by the service modules: the clock and the future-date check."""

from __future__ import annotations

from datetime import UTC, date, datetime

from loadwatch.errors import InputError


def _today() -> date:
    return datetime.now(tz=UTC).date()


def _check_not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise InputError(f"{what} {day.isoformat()} is in the future; give a date up to {today}")
