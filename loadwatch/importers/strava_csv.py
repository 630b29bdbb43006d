"""A Strava export's activities.csv read as hints (sport, gear, name, effort, date) per
activity file, streamed row by row through the import's expansion budget (issue #23: a 50 MB
list held whole peaked near 600 MB)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from datetime import datetime

from loadwatch.domain import SourceHints, Sport
from loadwatch.errors import CorruptFileError, FileTooLargeError
from loadwatch.importers.budget import CHUNK_BYTES, ExpansionBudget, Readable

# A Strava activities.csv is ~1 KB per activity: 50 MB is tens of thousands of activities.
MAX_CSV_BYTES = 50 * 1024 * 1024
# The csv module's default field_size_limit (128 KB), checked by us on every field so that the
# process-wide csv.field_size_limit setting, which other code may change, does not matter.
MAX_CSV_FIELD_CHARS = 128 * 1024

# Strava activities.csv "Activity Type" values.
_STRAVA_TYPES: dict[str, Sport] = {
    "run": Sport.RUN,
    "trail run": Sport.RUN,
    "virtual run": Sport.RUN,
    "ride": Sport.RIDE,
    "virtual ride": Sport.RIDE,
    "e-bike ride": Sport.RIDE,
    "gravel ride": Sport.RIDE,
    "mountain bike ride": Sport.RIDE,
    "swim": Sport.SWIM,
    "walk": Sport.WALK,
    "hike": Sport.HIKE,
    "weight training": Sport.STRENGTH,
    "workout": Sport.CROSS_TRAINING,
    "elliptical": Sport.CROSS_TRAINING,
    "rowing": Sport.CROSS_TRAINING,
    "yoga": Sport.OTHER,
}


def read_activities_csv(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    member: str,
    budget: ExpansionBudget,
    *,
    is_nested: bool,
) -> dict[str, SourceHints]:
    """The hints of an export's activities.csv member, keyed by the member names of the files
    it describes (the folder of activities.csv prefixed).

    Raises:
        FileTooLargeError: over `MAX_CSV_BYTES`, or a top-level member past the ratio.
        CorruptFileError: not CSV, or a field over `MAX_CSV_FIELD_CHARS`.
        ExpansionLimitError: past the import's budget (or the ratio, inside a nested zip).
    """
    if info.file_size > MAX_CSV_BYTES:
        raise _csv_too_large(member)
    with archive.open(info) as raw:  # zipfile yields no more than the declared size
        counted = _CountedStream(
            raw, member, info.compress_size, budget, MAX_CSV_BYTES, is_nested=is_nested
        )
        return _csv_hints(counted, member, info.filename[: -len("activities.csv")])


def _perceived_exertion(text: str | None) -> float | None:
    """Strava's "Perceived Exertion" (1-10) as an effort rating, or None when absent or absurd."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if 0 <= value <= 10 else None  # NaN fails both comparisons


def _strava_day(text: str | None) -> str | None:
    """Strava's "Dec 6, 2026, 7:02:11 AM" (UTC) as "Sun 06 Dec 2026 07:02 UTC"; other text as
    written (shortened), None when blank: only to name a file the export describes."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.strptime(text, "%b %d, %Y, %I:%M:%S %p")  # noqa: DTZ007 - display only
    except ValueError:
        return text[:40]
    return f"{moment:%a %d %b %Y %H:%M} UTC"


def _csv_too_large(member: str) -> FileTooLargeError:
    return FileTooLargeError(
        f"{member!r} is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB, far more than an "
        "export's activity list needs"
    )


class _CountedStream(io.RawIOBase):
    """A member read as a stream, with `_read_member`'s checks on every chunk: the cap, the
    ratio and the import's budget. activities.csv is read through it row by row (issue #23: a
    50 MB list held as bytes, text, a StringIO and a list of dicts peaked near 600 MB)."""

    def __init__(
        self,
        stream: Readable,
        name: str,
        compressed_bytes: int,
        budget: ExpansionBudget,
        cap_bytes: int,
        *,
        is_nested: bool,
    ) -> None:
        super().__init__()
        self._stream = stream
        self._name = name
        self._budget = budget
        self._cap_bytes = cap_bytes
        self._ratio_limit = budget.ratio_limit_bytes(compressed_bytes)
        self._is_nested = is_nested
        self._size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._stream.read(min(len(buffer), CHUNK_BYTES))
        self._size += len(chunk)
        if self._size > self._cap_bytes:
            raise _csv_too_large(self._name)
        if self._size > self._ratio_limit:
            error = self._budget.too_far(self._name)
            raise error if self._is_nested else FileTooLargeError(str(error))
        self._budget.take(self._name, len(chunk))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _csv_hints(stream: io.RawIOBase, member: str, prefix: str) -> dict[str, SourceHints]:
    """Read activities.csv row by row into hints keyed by member name, every field bounded by
    `MAX_CSV_FIELD_CHARS`; only the hints are kept, never the file or its rows.

    Raises:
        CorruptFileError: not CSV (the csv module failed), or a field over the bound.
        FileTooLargeError, ExpansionLimitError: from the stream's checks.
    """
    text = io.TextIOWrapper(
        io.BufferedReader(stream, CHUNK_BYTES), encoding="utf-8-sig", errors="replace", newline=""
    )
    hints: dict[str, SourceHints] = {}
    try:
        for row in csv.DictReader(text):
            longest = max((len(v) for v in row.values() if isinstance(v, str)), default=0)
            if longest > MAX_CSV_FIELD_CHARS:
                raise _csv_field_too_long(member)
            filename = _field(row, "Filename")
            if not filename:
                continue
            activity_type = (_field(row, "Activity Type") or "").lower()
            hints[prefix + filename] = SourceHints(
                sport=_STRAVA_TYPES.get(activity_type, Sport.OTHER) if activity_type else None,
                gear=_field(row, "Activity Gear"),
                name=_field(row, "Activity Name"),
                effort_rpe=_perceived_exertion(_field(row, "Perceived Exertion")),
                started=_strava_day(_field(row, "Activity Date")),
            )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _csv_field_too_long(member) from exc
        raise CorruptFileError(f"{member!r} is not a readable CSV file") from exc
    return hints


def _field(row: Mapping[str, object], column: str) -> str | None:
    """A row's text in `column`, stripped; None when absent or empty (a short row's missing
    fields are None, an overlong row's extras a list under the None key)."""
    value = row.get(column)
    return (value.strip() or None) if isinstance(value, str) else None


def _csv_field_too_long(member: str) -> CorruptFileError:
    return CorruptFileError(
        f"{member!r} has a field longer than {MAX_CSV_FIELD_CHARS // 1024} KB, which no "
        "activity list holds"
    )
