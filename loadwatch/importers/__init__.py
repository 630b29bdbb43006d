"""One entry point for every format: sniff the content (not the extension) and parse."""

from __future__ import annotations

from loadwatch.domain import ParsedActivity
from loadwatch.errors import EmptyActivityError, UnsupportedFileError
from loadwatch.importers import fit, gpx, tcx

_BOM = b"\xef\xbb\xbf"


def sniff(data: bytes) -> str | None:
    """'fit', 'gpx', 'tcx' or None, from the bytes alone."""
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    head = data[:4096].lstrip(_BOM + b" \t\r\n")
    if head.startswith(b"<"):
        if b"<gpx" in head:
            return "gpx"
        if b"TrainingCenterDatabase" in head or b"<Activities>" in head:
            return "tcx"
    return None


def parse_activity(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
    """Parse one activity file of any supported format.

    Args:
        data: the file's bytes, already decompressed (see `archive`).
        filename: used in error messages only.

    Returns:
        One `ParsedActivity` per activity in the file (several for a multisport FIT).

    Raises:
        EmptyActivityError: a zero-byte file, or no usable samples.
        UnsupportedFileError: neither FIT, GPX nor TCX, or not an activity.
        CorruptFileError: the format was recognised but the file is damaged.
        InputError: hostile XML (entity declarations).
    """
    if not data:
        raise EmptyActivityError(f"{filename!r} is empty (0 bytes); export the activity again")
    kind = sniff(data)
    if kind == "fit":
        return fit.parse(data, filename)
    if kind == "gpx":
        return gpx.parse(data, filename)
    if kind == "tcx":
        return tcx.parse(data, filename)
    raise UnsupportedFileError(
        f"{filename!r} is neither a FIT, GPX nor TCX file; export the activity as .fit, .gpx "
        "or .tcx"
    )
