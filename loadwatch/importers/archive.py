"""Archives to a stream of files: zip (nested, as Garmin exports), .gz, and a Strava export.

Everything streams: one member is in memory at a time, each capped at `MAX_FILE_BYTES` after
decompression (a zip bomb stops there), nested zips spill to a temporary file, and nesting
stops at `MAX_NESTING`. A bad member becomes a `SourceFile` carrying its error, so a bulk import
goes on past it.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from loadwatch.domain import SourceHints, Sport
from loadwatch.errors import CorruptFileError, FileTooLargeError, InputError

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 24-hour 1 s GPX is ~20 MB; anything bigger is not a run
MAX_NESTING = 3  # Garmin exports nest zips two deep
_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK_BYTES = 1024 * 1024

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


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file found in the input: its bytes, or the reason it could not be read."""

    name: str
    data: bytes | None
    error: InputError | None = None
    hints: SourceHints = field(default_factory=SourceHints)


def _rejected(name: str, error: InputError) -> SourceFile:
    return SourceFile(name=name, data=None, error=error)


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _read_capped(stream: _Readable, name: str) -> bytes:
    """Read at most MAX_FILE_BYTES; more than that is refused (huge file or decompression bomb)."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLargeError(
            f"{name!r} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB (uncompressed); "
            "no single activity is that big, so it was refused"
        )
    return data


def gunzip(data: bytes, name: str) -> bytes:
    """Decompress gzip bytes with the size cap.

    Raises:
        FileTooLargeError: over MAX_FILE_BYTES once decompressed.
        CorruptFileError: not valid gzip data (truncated, damaged).
    """
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return _read_capped(stream, name)
    except (OSError, EOFError, zlib.error) as exc:
        raise CorruptFileError(f"{name!r} is a damaged or truncated .gz file: {exc}") from exc


def expand_bytes(name: str, data: bytes, hints: SourceHints | None = None) -> Iterator[SourceFile]:
    """Expand one uploaded file (bytes in memory) into the activity files it holds."""
    if len(data) > MAX_FILE_BYTES and not data.startswith(_ZIP_MAGIC):
        yield _rejected(name, _too_large(name, len(data)))
        return
    yield from _expand(name, data, hints or SourceHints(), depth=0)


def expand_path(path: Path) -> Iterator[SourceFile]:
    """Expand a file or a folder on disk (recursively, in sorted order) into activity files."""
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            yield from expand_path(child)
        return
    name = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4)
            if head == _ZIP_MAGIC:
                yield from _expand_zip(name, path, depth=0)
                return
            if size > MAX_FILE_BYTES:
                yield _rejected(name, _too_large(name, size))
                return
            handle.seek(0)
            data = handle.read()
    except OSError as exc:
        yield _rejected(name, InputError(f"{name!r} could not be read: {exc.strerror}"))
        return
    yield from _expand(name, data, SourceHints(), depth=0)


def _too_large(name: str, size: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"{name!r} is {size / (1024 * 1024):.0f} MB, over the "
        f"{MAX_FILE_BYTES // (1024 * 1024)} MB limit for one activity file"
    )


def _expand(name: str, data: bytes, hints: SourceHints, depth: int) -> Iterator[SourceFile]:
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gunzip(data, name)
        except InputError as exc:
            yield _rejected(name, exc)
            return
    if data.startswith(_ZIP_MAGIC):
        yield from _expand_zip(name, io.BytesIO(data), depth)
        return
    yield SourceFile(name=name, data=data, hints=hints)


def _expand_zip(name: str, source: Path | IO[bytes], depth: int) -> Iterator[SourceFile]:
    if depth >= MAX_NESTING:
        yield _rejected(name, InputError(f"{name!r} nests zip files more than {MAX_NESTING} deep"))
        return
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        yield _rejected(name, CorruptFileError(f"{name!r} is a damaged zip archive: {exc}"))
        return
    with archive:
        strava = _strava_hints(archive)
        for info in archive.infolist():
            if info.is_dir() or _is_metadata(info.filename):
                continue
            member = f"{name}/{info.filename}"
            hints = strava.get(info.filename, SourceHints())
            try:
                if info.file_size > MAX_FILE_BYTES and not info.filename.lower().endswith(".zip"):
                    raise _too_large(member, info.file_size)
                with archive.open(info) as stream:
                    if info.filename.lower().endswith(".zip"):
                        yield from _expand_nested(member, stream, depth)
                        continue
                    data = _read_capped(stream, member)
            except InputError as exc:
                yield _rejected(member, exc)
                continue
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                yield _rejected(member, CorruptFileError(f"{member!r} is damaged: {exc}"))
                continue
            yield from _expand(member, data, hints, depth + 1)


def _expand_nested(name: str, stream: IO[bytes], depth: int) -> Iterator[SourceFile]:
    """Spill a nested zip to a temporary file so it is never wholly in memory."""
    with tempfile.TemporaryFile() as spill:
        shutil.copyfileobj(stream, spill, _CHUNK_BYTES)
        spill.seek(0)
        yield from _expand_zip(name, spill, depth + 1)


def _is_metadata(filename: str) -> bool:
    base = os.path.basename(filename)
    return (
        base.startswith(".")
        or filename.startswith("__MACOSX/")
        or base.lower().endswith((".csv", ".json", ".txt", ".html", ".jpg", ".png", ".pdf"))
    )


def _strava_hints(archive: zipfile.ZipFile) -> dict[str, SourceHints]:
    """Sport and gear per file from a Strava export's activities.csv, keyed by member name."""
    csv_name = next((n for n in archive.namelist() if n.endswith("activities.csv")), None)
    if csv_name is None:
        return {}
    prefix = csv_name[: -len("activities.csv")]
    hints: dict[str, SourceHints] = {}
    with archive.open(csv_name) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace")
        for row in csv.DictReader(text):
            filename = (row.get("Filename") or "").strip()
            if not filename:
                continue
            activity_type = (row.get("Activity Type") or "").strip().lower()
            hints[prefix + filename] = SourceHints(
                sport=_STRAVA_TYPES.get(activity_type, Sport.OTHER) if activity_type else None,
                gear=(row.get("Activity Gear") or "").strip() or None,
                name=(row.get("Activity Name") or "").strip() or None,
            )
    return hints
