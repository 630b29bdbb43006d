"""Checks at the service boundary: dates, ids and user text (issue #15).

Text and ids are checked here, before they reach the database, so SQLite and PostgreSQL refuse
the same inputs with the same message: SQLite stores a NUL or a 100,000-character name that
PostgreSQL rejects with a `DataError`, and a huge id was an `OverflowError` or a `DataError`.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from email.headerregistry import Address

from loadwatch.errors import InputError, NotFoundError

EARLIEST_DATE = date(1990, 1, 1)  # no GPS watch log starts earlier; date arithmetic stays safe


ACTIVITY_HINT = "; `loadwatch activities` lists them"  # after "no activity N"


def check_day(day: date, today: date, what: str) -> None:
    """Refuse a day after `today`, or before EARLIEST_DATE (`date.min` overflows arithmetic).

    Raises:
        InputError: naming `what`, the day and the allowed range's end it passed.
    """
    check_not_too_early(day, what)
    if day > today:
        raise InputError(f"{what} {day.isoformat()} is in the future; give a date up to {today}")


def check_not_too_early(day: date, what: str) -> None:
    """Refuse a day before EARLIEST_DATE (1990-01-01): `--date 0001-01-01` is a typo, and a week
    or a window around it overflows `datetime.date` (issue #15).

    Raises:
        InputError: naming `what` and the earliest date.
    """
    if day < EARLIEST_DATE:
        raise InputError(
            f"{what} {day.isoformat()} is before {EARLIEST_DATE.isoformat()}; "
            "give a date from then on"
        )


# Ids are `Integer` columns: 64-bit in SQLite but 32-bit in PostgreSQL, so the largest id either
# database can hold is PostgreSQL's. A larger one is an OverflowError (SQLite, past 2**63 - 1) or
# a DataError (PostgreSQL, past 2**31 - 1) from the driver unless it is refused first.
MAX_ID = 2**31 - 1


def id_in_range(value: object) -> bool:
    """True for an int from 1 to MAX_ID: one that can name a row on either database."""
    return not isinstance(value, bool) and isinstance(value, int) and 1 <= value <= MAX_ID


def check_id(value: int, what: str, hint: str = "") -> int:
    """An id the database can hold (1 to MAX_ID); any other cannot name a row.

    Raises:
        NotFoundError: `value` is out of range ("no activity with id 0"), so a huge id is
            "not found", as on the other database, not a driver's OverflowError or DataError.
    """
    if not id_in_range(value):
        raise NotFoundError(f"no {what} with id {value!r}{hint}")
    return value


# Column lengths in loadwatch/db/models.py; a pain note is `Text`, bounded here on purpose.
NAME_MAX_LENGTH = 120  # Athlete.name, Coach.name, Shoe.name, Shoe.brand_model (String(120))
# PainEntry.note is unbounded Text in the schema: 2,000 characters here, written as a product
# because 2000 is also a threshold's default in metres (tests/rules/test_thresholds.py).
NOTE_MAX_LENGTH = 2 * 1000
LOCATION_MAX_LENGTH = 32  # PainEntry.location (String(32))
_MULTILINE_OK = frozenset("\n\r\t")


def clean_text(value: str, field: str, max_length: int, *, multiline: bool = False) -> str:
    """User text as stored: stripped, not blank, no control characters, at most `max_length`.

    Call it on every name or note a user types before it reaches the database (athlete, coach
    and shoe names, a shoe's model, pain notes and locations, names read from import files).
    `field` names the field in the message ("athlete name"); `multiline` lets a note keep its
    line breaks and tabs. Characters, not bytes, are counted, as PostgreSQL's VARCHAR does.

    Raises:
        InputError: not a string, blank, a NUL or other control character, an unpaired
            surrogate (undecodable bytes), or longer than `max_length`, naming `field`.
    """
    if not isinstance(value, str):
        raise InputError(f"{field} must be text, got {value!r}")
    text = value.strip()
    if not text:
        raise InputError(f"{field} must not be empty")
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in _MULTILINE_OK):
            what = "a NUL character" if char == "\x00" else f"the control character {char!r}"
            raise InputError(f"{field} contains {what} at position {index + 1}; remove it")
        if category == "Cs":
            raise InputError(
                f"{field} contains bytes that are not valid text ({char!r}) at position "
                f"{index + 1}; type it again"
            )
    if len(text) > max_length:
        raise InputError(f"{field} is {len(text):,} characters; the limit is {max_length:,}")
    return text


def optional_text(
    value: str | None, field: str, max_length: int, *, multiline: bool = False
) -> str | None:
    """`clean_text` for an optional field: None, empty or blank text means "none" (None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return clean_text(value, field, max_length, multiline=multiline)


def file_text(value: str | None, max_length: int) -> str | None:
    """Text read from an imported file (activity name, device, gear), made storable rather than
    refused: control characters and unpaired surrogates dropped, trimmed, cut to `max_length`;
    None when nothing is left. A NUL in a Strava title should not cost the runner the run."""
    if value is None:
        return None
    kept = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cs"))
    return kept.strip()[:max_length].strip() or None


def athlete_name(value: str) -> str:
    """An athlete name as typed, checked (`clean_text`, 120 characters) and stripped.

    Trimmed and never blank. The stored name keeps its case; lookups ignore it (`ana` is
    `Ana`, issue #10: `loadwatch.db.admin.find_athlete`). The import path calls this too,
    before the athlete is looked up or created.
    """
    return clean_text(value, "athlete name", NAME_MAX_LENGTH)


def coach_name(value: str) -> str:
    return clean_text(value, "coach name", NAME_MAX_LENGTH)


def shoe_name(value: str) -> str:
    return clean_text(value, "shoe name", NAME_MAX_LENGTH)


def email_address(value: str) -> str:
    """A checked email address ("ana@example.org"); the standard library's parser decides.

    Raises:
        InputError: not one plain address.
    """
    text = str(value).strip()
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError, TypeError) as exc:
        raise InputError(f"{text!r} is not an email address like ana@example.org") from exc
    if not address.username or "." not in address.domain or text != address.addr_spec:
        raise InputError(f"{text!r} is not an email address like ana@example.org")
    return address.addr_spec
