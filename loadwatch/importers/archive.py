"""Archives to a stream of files: zip (nested, as Garmin exports), .gz, and a Strava export.

Everything streams: one member is in memory at a time, each capped at `MAX_FILE_BYTES` after
decompression (a zip bomb stops there), nested zips spill to a temporary file, and nesting
stops at `MAX_NESTING`. A bad member becomes a `SourceFile` carrying its error, so a bulk import
goes on past it: an encrypted member (ZipCrypto, AES, strong encryption), a compression method
Python's zipfile cannot read (Deflate64, Implode, PPMd, Zstandard, ...) or a damaged member (a
bad CRC-32) is rejected on its own, and the other members of the same archive still come through.
"""

from __future__ import annotations

import csv
import gzip
import io
import lzma
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
from loadwatch.errors import (
    CorruptFileError,
    FileTooLargeError,
    InputError,
    UnsupportedFileError,
)

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 24-hour 1 s GPX is ~20 MB; anything bigger is not a run
MAX_NESTING = 3  # Garmin exports nest zips two deep
_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK_BYTES = 1024 * 1024
# A Strava activities.csv is ~1 KB per activity: 50 MB is tens of thousands of activities.
MAX_CSV_BYTES = 50 * 1024 * 1024
# The csv module's default field_size_limit (128 KB), checked by us on every field so that the
# process-wide csv.field_size_limit setting, which other code may change, does not matter.
MAX_CSV_FIELD_CHARS = 128 * 1024

# Zip general-purpose flag bits (APPNOTE 4.4.4) and the methods Python's zipfile reads.
_FLAG_ENCRYPTED, _FLAG_PATCHED, _FLAG_STRONG_ENCRYPTION = 0x1, 0x20, 0x40
_AES_METHOD = 99  # WinZip AES: the real method is in an extra field, the data is encrypted
_READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
_METHOD_NAMES = {
    1: "Shrink",
    6: "Implode",
    9: "Deflate64",
    10: "PKWARE Implode",
    18: "IBM TERSE",
    19: "IBM LZ77",
    93: "Zstandard",
    95: "XZ",
    96: "JPEG",
    97: "WavPack",
    98: "PPMd",
}
# What zipfile and its decompressors raise on a damaged or unreadable member.
_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)

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
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise CorruptFileError(
            f"{name!r} is a damaged or truncated .gz file; download or export it again"
        ) from exc


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
    if not path.is_file():  # /dev/zero, a FIFO, a socket: reading would never end (issue #15)
        yield _rejected(
            name,
            InputError(
                f"{name!r} is not a regular file; give FIT, GPX or TCX files, folders, .gz files "
                "or zip exports"
            ),
        )
        return
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
            data = handle.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
            if len(data) > MAX_FILE_BYTES:
                yield _rejected(name, _too_large(name, len(data)))
                return
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
    except _MEMBER_ERRORS as exc:
        error = CorruptFileError(
            f"{name!r} is a damaged zip archive (its list of files cannot be read); "
            "download or export it again"
        )
        yield _rejected(name, _caused_by(error, exc))
        return
    with archive:
        strava, csv_problem = _strava_hints(archive, name)
        if csv_problem is not None:
            yield csv_problem
        for info in archive.infolist():
            if info.is_dir() or _is_metadata(info.filename):
                continue
            member = f"{name}/{info.filename}"
            hints = strava.get(info.filename, SourceHints())
            try:
                _check_member(info, member)
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
            except _MEMBER_ERRORS as exc:
                yield _rejected(member, _caused_by(_damaged(member, exc), exc))
                continue
            yield from _expand(member, data, hints, depth + 1)


def _check_member(info: zipfile.ZipInfo, member: str) -> None:
    """Refuse, before any byte is read, a member zipfile cannot extract.

    Raises:
        UnsupportedFileError: encrypted (ZipCrypto, AES or PKWARE strong encryption), or
            compressed with a method Python's zipfile cannot read (Deflate64, Implode, ...).
    """
    flags = info.flag_bits
    if flags & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION) or info.compress_type == _AES_METHOD:
        raise UnsupportedFileError(f"{member!r} is encrypted: export it again without a password")
    if info.compress_type not in _READABLE_METHODS or flags & _FLAG_PATCHED:
        method = (
            "patched data"
            if flags & _FLAG_PATCHED
            else _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        )
        raise UnsupportedFileError(
            f"{member!r} uses a compression method loadwatch cannot read ({method}); "
            "unzip it with another tool and import the files"
        )


def _damaged(member: str, exc: Exception) -> CorruptFileError:
    """A plain-words rejection for a member that zipfile or a decompressor failed on."""
    if "CRC" in str(exc):
        reason = "its checksum (CRC-32) does not match its contents"
    elif isinstance(exc, EOFError):
        reason = "it ends before its compressed data does"
    else:
        reason = "its compressed data cannot be read"
    return CorruptFileError(
        f"{member!r} is damaged: {reason}; download or export the archive again"
    )


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


def _perceived_exertion(text: str | None) -> float | None:
    """Strava's "Perceived Exertion" (1-10) as an effort rating, or None when absent or absurd."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if 0 <= value <= 10 else None  # NaN fails both comparisons


def _strava_hints(
    archive: zipfile.ZipFile, name: str
) -> tuple[dict[str, SourceHints], SourceFile | None]:
    """Sport, gear and name per file from a Strava export's activities.csv, keyed by member name.

    The CSV is only a hint: when it cannot be used (encrypted, an unreadable compression
    method, damaged, over `MAX_CSV_BYTES`, a field over `MAX_CSV_FIELD_CHARS`, or not CSV) the
    archive is still imported, without hints, and the second value is a rejected `SourceFile`
    for activities.csv saying why, so the import report shows that the hints were skipped.
    """
    csv_info = next((i for i in archive.infolist() if i.filename.endswith("activities.csv")), None)
    if csv_info is None:
        return {}, None
    csv_name = csv_info.filename
    member = f"{name}/{csv_name}"
    skipped = "the activities were imported without its sport, gear and name hints"
    try:
        _check_member(csv_info, member)
        if csv_info.file_size > MAX_CSV_BYTES:
            raise _csv_too_large(member)
        with archive.open(csv_info) as raw:
            data = raw.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            raise _csv_too_large(member)
        rows = _csv_rows(data, member)
    except InputError as exc:
        kind = type(exc) if type(exc) in _CSV_ERRORS else InputError
        return {}, _rejected(member, _caused_by(kind(f"{exc}; {skipped}"), exc))
    except _MEMBER_ERRORS as exc:
        error = CorruptFileError(f"{_damaged(member, exc)}; {skipped}")
        return {}, _rejected(member, _caused_by(error, exc))
    prefix = csv_name[: -len("activities.csv")]
    hints: dict[str, SourceHints] = {}
    for row in rows:
        filename = (row.get("Filename") or "").strip()
        if not filename:
            continue
        activity_type = (row.get("Activity Type") or "").strip().lower()
        hints[prefix + filename] = SourceHints(
            sport=_STRAVA_TYPES.get(activity_type, Sport.OTHER) if activity_type else None,
            gear=(row.get("Activity Gear") or "").strip() or None,
            name=(row.get("Activity Name") or "").strip() or None,
            effort_rpe=_perceived_exertion(row.get("Perceived Exertion")),
        )
    return hints, None


_CSV_ERRORS = (UnsupportedFileError, FileTooLargeError, CorruptFileError)


def _caused_by(error: InputError, cause: BaseException) -> InputError:
    """`error` with `cause` as its `__cause__`, as `raise error from cause` would set it."""
    error.__cause__ = cause
    return error


def _csv_too_large(member: str) -> FileTooLargeError:
    return FileTooLargeError(
        f"{member!r} is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB, far more than an "
        "export's activity list needs"
    )


def _csv_rows(data: bytes, member: str) -> list[dict[str, str | None]]:
    """Parse activities.csv, every field bounded by `MAX_CSV_FIELD_CHARS`.

    Raises:
        CorruptFileError: not CSV (the csv module failed), or a field over the bound.
    """
    text = data.decode("utf-8-sig", errors="replace")
    rows: list[dict[str, str | None]] = []
    try:
        for row in csv.DictReader(io.StringIO(text, newline="")):
            longest = max((len(v) for v in row.values() if isinstance(v, str)), default=0)
            if longest > MAX_CSV_FIELD_CHARS:
                raise _csv_field_too_long(member)
            rows.append({k: v if isinstance(v, str) else None for k, v in row.items()})
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _csv_field_too_long(member) from exc
        raise CorruptFileError(f"{member!r} is not a readable CSV file") from exc
    return rows


def _csv_field_too_long(member: str) -> CorruptFileError:
    return CorruptFileError(
        f"{member!r} has a field longer than {MAX_CSV_FIELD_CHARS // 1024} KB, which no "
        "activity list holds"
    )
