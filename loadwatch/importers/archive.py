"""Archives to a stream of files: zip (nested, as Garmin exports), .gz, and a Strava export.

Everything streams: one member is in memory at a time, each capped at `MAX_FILE_BYTES` after
decompression, and nested zips spill to a temporary file that is removed however the import
ends. One import shares an `ExpansionBudget` (issue #13): bytes expanded (members read, .gz
output, nested zips spilled), archive members listed, nesting depth and each member's
compression ratio, all checked while streaming, before the bytes are kept. Past the budget an
archive is a bomb or junk: one `ExpansionLimitError` names it and nothing more is read from it.
A bad member becomes a `SourceFile` carrying its error, so a bulk import goes on past it: an
encrypted member (ZipCrypto, AES, strong encryption), a compression method Python's zipfile
cannot read (Deflate64, Implode, PPMd, Zstandard, ...), a damaged member (a bad CRC-32) or one
top-level member that expands too far is rejected on its own, and the other members of the same
archive still come through. The budget is importers/budget.py; a Strava export's activities.csv
importers/strava_csv.py.
"""

from __future__ import annotations

import errno
import gzip
import io
import lzma
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from loadwatch.domain import SourceHints
from loadwatch.errors import (
    CorruptFileError,
    ExpansionLimitError,
    FileTooLargeError,
    InputError,
    StorageError,
    UnsupportedFileError,
)
from loadwatch.importers.budget import (
    CHUNK_BYTES,
    MAX_FILE_BYTES,
    MB,
    ExpansionBudget,
    caused_by,
    read_member,
)
from loadwatch.importers.deflate import gzip_deflate, member_deflate
from loadwatch.importers.strava_csv import read_activities_csv

_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
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


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file found in the input: its bytes, or the reason it could not be read."""

    name: str
    data: bytes | None
    error: InputError | None = None
    hints: SourceHints = field(default_factory=SourceHints)
    # The raw deflate stream `data` came out of (a zip member's, a .gz file's), when it had
    # one: the import stores it as the original instead of compressing `data` again (issue
    # #26), once it has checked that it inflates to exactly `data`.
    deflate: bytes | None = None


def _rejected(name: str, error: InputError) -> SourceFile:
    return SourceFile(name=name, data=None, error=error)


def gunzip(
    data: bytes, name: str, budget: ExpansionBudget | None = None, *, is_nested: bool = False
) -> bytes:
    """Decompress gzip bytes with the size cap, the ratio and the import's budget.

    Raises:
        FileTooLargeError: over MAX_FILE_BYTES once decompressed, or past the ratio.
        ExpansionLimitError: past the import's budget (or the ratio, inside a nested zip).
        CorruptFileError: not valid gzip data (truncated, damaged).
    """
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return read_member(
                stream, name, len(data), budget or ExpansionBudget(), is_nested=is_nested
            )
    except InputError:
        raise  # too large or past the budget: not damaged (InputError is a ValueError too)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise CorruptFileError(
            f"{name!r} is a damaged or truncated .gz file; download or export it again"
        ) from exc


def expand_bytes(
    name: str,
    data: bytes,
    hints: SourceHints | None = None,
    budget: ExpansionBudget | None = None,
) -> Iterator[SourceFile]:
    """Expand one uploaded file (bytes in memory) into the activity files it holds.

    Args:
        budget: the import's expansion budget, shared by all its inputs (default: a fresh one
            with the default limits).
    """
    if len(data) > MAX_FILE_BYTES and not data.startswith(_ZIP_MAGIC):
        yield _rejected(name, _too_large(name, len(data)))
        return
    yield from _stopping_at_budget(name, _expand(name, data, hints or SourceHints(), 0, budget))


def expand_path(path: Path, budget: ExpansionBudget | None = None) -> Iterator[SourceFile]:
    """Expand a file or a folder on disk (recursively, in sorted order) into activity files.

    Args:
        budget: as for `expand_bytes`.
    """
    budget = budget or ExpansionBudget()
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            yield from expand_path(child, budget)
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
                yield from _stopping_at_budget(name, _expand_zip(name, handle, 0, budget))
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
    yield from _stopping_at_budget(name, _expand(name, data, SourceHints(), 0, budget))


_Files = Generator[SourceFile, None, None]


def _stopping_at_budget(name: str, files: _Files) -> Iterator[SourceFile]:
    """The files of one input until it passes the expansion budget, then one rejection naming
    it (the members before that come through; nothing more is read from it)."""
    try:
        yield from files
    except ExpansionLimitError as exc:
        yield _rejected(
            name,
            caused_by(ExpansionLimitError(f"{exc}; nothing more was read from {name!r}"), exc),
        )
    finally:
        files.close()  # now, not when collected: its temporary files go with it


def _too_large(name: str, size: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"{name!r} is {size / MB:.0f} MB, over the "
        f"{MAX_FILE_BYTES // MB} MB limit for one activity file"
    )


def _expand(
    name: str,
    data: bytes,
    hints: SourceHints,
    depth: int,
    budget: ExpansionBudget | None,
    deflate: bytes | None = None,
) -> _Files:
    budget = budget or ExpansionBudget()
    if data.startswith(_GZIP_MAGIC):
        try:
            deflate = gzip_deflate(data)
            data = gunzip(data, name, budget, is_nested=depth > 1)
        except ExpansionLimitError:
            raise
        except InputError as exc:
            yield _rejected(name, exc)
            return
    if data.startswith(_ZIP_MAGIC):
        yield from _expand_zip(name, io.BytesIO(data), depth, budget)
        return
    yield SourceFile(name=name, data=data, hints=hints, deflate=deflate)


def _expand_zip(name: str, source: IO[bytes], depth: int, budget: ExpansionBudget) -> _Files:
    budget.check_depth(name, depth)
    listed = _listed_members(source, budget.limits.max_members - budget.members + 1)
    if listed is not None:  # refused before zipfile reads a huge directory into memory
        budget.admit_members(name, listed)
    try:
        archive = zipfile.ZipFile(source)
    except _MEMBER_ERRORS as exc:
        error = CorruptFileError(
            f"{name!r} is a damaged zip archive (its list of files cannot be read); "
            "download or export it again"
        )
        yield _rejected(name, caused_by(error, exc))
        return
    with archive:
        if listed is None:
            budget.admit_members(name, len(archive.infolist()))
        strava, csv_problem = _strava_hints(archive, name, depth, budget)
        if csv_problem is not None:
            yield csv_problem
        for info in archive.infolist():
            if info.is_dir() or _is_metadata(info.filename):
                continue
            yield from _expand_member(archive, info, name, depth, budget, strava)


def _expand_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    depth: int,
    budget: ExpansionBudget,
    strava: dict[str, SourceHints],
) -> Iterator[SourceFile]:
    """One member: refused alone (unreadable, damaged, too large), expanded, or spilled and
    walked when it is a zip. Budget errors go up: they end the whole input."""
    member = f"{name}/{info.filename}"
    is_zip = info.filename.lower().endswith(".zip")
    try:
        _check_member(info, member)
        _check_declared(info, member, budget, is_zip=is_zip, is_nested=depth > 0)
        with archive.open(info) as stream:
            if is_zip:
                yield from _expand_nested(member, stream, info.compress_size, depth, budget)
                return
            data = read_member(stream, member, info.compress_size, budget, is_nested=depth > 0)
        deflate = member_deflate(archive, info)
    except ExpansionLimitError:
        raise
    except InputError as exc:
        yield _rejected(member, exc)
        return
    except _MEMBER_ERRORS as exc:
        yield _rejected(member, caused_by(_damaged(member, exc), exc))
        return
    hints = strava.get(info.filename, SourceHints())
    yield from _expand(member, data, hints, depth + 1, budget, deflate)


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


def _check_declared(
    info: zipfile.ZipInfo, member: str, budget: ExpansionBudget, *, is_zip: bool, is_nested: bool
) -> None:
    """Refuse from the sizes the directory declares, before any byte is read (zipfile never
    yields more than the declared size; `_read_member` checks the real bytes as they come).

    Raises:
        FileTooLargeError: an activity file over MAX_FILE_BYTES, or a top-level one past the
            ratio.
        ExpansionLimitError: a nested member or a zip past the ratio, or over what is left of
            the import's budget.
    """
    if not is_zip and info.file_size > MAX_FILE_BYTES:
        raise _too_large(member, info.file_size)
    if info.file_size > budget.ratio_limit_bytes(info.compress_size):
        error = budget.too_far(member)
        raise error if is_zip or is_nested else FileTooLargeError(str(error))
    if budget.expanded_bytes + info.file_size > budget.limits.max_expanded_bytes:
        raise budget.over_total(member)


def _expand_nested(
    name: str, stream: IO[bytes], compressed_bytes: int, depth: int, budget: ExpansionBudget
) -> Iterator[SourceFile]:
    """Spill a nested zip to a temporary file so it is never wholly in memory. The copy is
    counted against the budget and the ratio as it goes (a bomb named inner.zip stops within
    its first megabytes), and the file is gone however this ends: an unnamed temporary file
    that closing (or the process dying) removes."""
    budget.check_depth(name, depth + 1)
    ratio_limit = budget.ratio_limit_bytes(compressed_bytes)
    try:
        spill = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the walk
    except OSError as exc:
        if exc.errno not in _DISK_FULL_ERRNOS:
            raise
        raise temp_full() from exc
    with spill:
        size = 0
        try:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > ratio_limit:
                    raise budget.too_far(name)
                budget.take(name, len(chunk))
                spill.write(chunk)
            spill.flush()
        except OSError as exc:
            if exc.errno not in _DISK_FULL_ERRNOS:
                raise  # the member's own read failed: `_expand_member` says it is damaged
            raise temp_full() from exc
        spill.seek(0)
        yield from _expand_zip(name, spill, depth + 1, budget)


_DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def temp_full() -> StorageError:
    """The temporary folder's disk is full while a nested zip is spilled there: a disk problem,
    never a damaged archive (issue #23), with where the folder is and how to move it."""
    folder = tempfile.gettempdir()
    return StorageError(
        f"the disk holding the temporary folder {folder!r} is full (nested zip archives are "
        "unpacked there)",
        "free space there, or point TMPDIR at a folder on a disk with room "
        "(TMPDIR=/path/with/room loadwatch import ...), then run the same command again",
        kind="temp-full",
    )


_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record (APPNOTE 4.3.16)
_EOCD64_LOCATOR = struct.Struct("<4sLQL")  # 4.3.15
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # 4.3.14
_CENTRAL_HEADER = struct.Struct("<4s24x3H12x")  # 4.3.12: signature, name/extra/comment lengths
_MAX_COMMENT_BYTES = 0xFFFF


def _listed_members(source: IO[bytes], limit: int) -> int | None:
    """How many entries the zip's central directory holds, counted up to `limit` by walking
    its headers (zipfile would build an object per entry: 100,000 junk members are ~64 MB).

    Returns:
        The count, stopped at `limit`; None when the directory cannot be located, which
        `zipfile.ZipFile` then reports as damaged.
    """
    try:
        source.seek(0, io.SEEK_END)
        end = source.tell()
        tail_bytes = min(end, _EOCD.size + _MAX_COMMENT_BYTES)
        source.seek(end - tail_bytes)
        tail = source.read(tail_bytes)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + _EOCD.size > len(tail):
            return None
        fields = _EOCD.unpack_from(tail, at)
        entries, directory_bytes = fields[4], fields[5]
        directory_end = end - tail_bytes + at
        if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
            source.seek(directory_end - _EOCD64_LOCATOR.size)
            locator = _EOCD64_LOCATOR.unpack(source.read(_EOCD64_LOCATOR.size))
            if locator[0] != b"PK\x06\x07":
                return None
            directory_end -= _EOCD64_LOCATOR.size + _EOCD64.size
            source.seek(directory_end)
            record = _EOCD64.unpack(source.read(_EOCD64.size))
            if record[0] != b"PK\x06\x06":
                return None
            directory_bytes = record[8]
        position, count = directory_end - directory_bytes, 0
        while position < directory_end and count < limit:
            source.seek(position)
            header = source.read(_CENTRAL_HEADER.size)
            if len(header) < _CENTRAL_HEADER.size:
                return None
            signature, name_len, extra_len, comment_len = _CENTRAL_HEADER.unpack(header)
            if signature != b"PK\x01\x02":
                return None
            position += _CENTRAL_HEADER.size + name_len + extra_len + comment_len
            count += 1
        return count
    except (OSError, ValueError, struct.error):
        return None
    finally:
        source.seek(0)


def _strava_hints(
    archive: zipfile.ZipFile, name: str, depth: int, budget: ExpansionBudget
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
    member = f"{name}/{csv_info.filename}"
    skipped = "the activities were imported without its sport, gear and name hints"
    try:
        _check_member(csv_info, member)
        hints = read_activities_csv(archive, csv_info, member, budget, is_nested=depth > 0)
    except ExpansionLimitError:
        raise
    except InputError as exc:
        kind = type(exc) if type(exc) in _CSV_ERRORS else InputError
        return {}, _rejected(member, caused_by(kind(f"{exc}; {skipped}"), exc))
    except _MEMBER_ERRORS as exc:
        error = CorruptFileError(f"{_damaged(member, exc)}; {skipped}")
        return {}, _rejected(member, caused_by(error, exc))
    return hints, None


_CSV_ERRORS = (UnsupportedFileError, FileTooLargeError, CorruptFileError)


def _is_metadata(filename: str) -> bool:
    base = os.path.basename(filename)
    return (
        base.startswith(".")
        or filename.startswith("__MACOSX/")
        or base.lower().endswith((".csv", ".json", ".txt", ".html", ".jpg", ".png", ".pdf"))
    )
