"""One entry point for every format: sniff the content (not the extension) and parse."""

from __future__ import annotations

from loadwatch.domain import ParsedActivity
from loadwatch.errors import EmptyActivityError, UnsupportedFileError
from loadwatch.importers import _xml, fit, gpx, tcx
from loadwatch.importers.samples import TrackSamples

# Bytes a file made only of blank text consists of: whitespace, NULs and byte-order marks
# (UTF-8 EF BB BF, UTF-16 FF FE / FE FF, whose UTF-16 whitespace is a space or newline plus 00).
_BLANK = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
_ROOTS = {"gpx": "gpx", "TrainingCenterDatabase": "tcx"}


def sniff(data: bytes) -> str | None:
    """'fit', 'gpx', 'tcx' or None, from the bytes alone.

    XML is recognised by its root element, the first start tag after the prolog, in any
    encoding `_xml.detect_encoding` knows; the prolog (comments, a DOCTYPE) may be long, so up
    to `_xml.SNIFF_BYTES` (1 MB) are looked at.
    """
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    root = _xml.root_name(data)
    if root is not None:
        return _ROOTS.get(root)
    head = _xml.head_text(data, 4096)
    if head.startswith("<"):  # a prolog longer than the sniffing bound: the old heuristics
        if "<gpx" in head:
            return "gpx"
        if "TrainingCenterDatabase" in head or "<Activities>" in head:
            return "tcx"
    return None


def _blank(data: bytes) -> bool:
    return not data.strip(_BLANK)


def parse_activity(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
    """Parse one activity file of any supported format.

    Args:
        data: the file's bytes, already decompressed (see `archive`).
        filename: used in error messages only.

    Returns:
        One `ParsedActivity` per activity in the file (several for a multisport FIT).

    Raises:
        EmptyActivityError: a zero-byte file, one of only whitespace, byte-order marks or NUL
            bytes, or no usable samples.
        UnsupportedFileError: neither FIT, GPX nor TCX, or not an activity.
        CorruptFileError: the format was recognised but the file is damaged.
        InputError: hostile XML (entity declarations).
    """
    if not data:
        raise EmptyActivityError(f"{filename!r} is empty (0 bytes); export the activity again")
    if data[0] in _BLANK and _blank(data):
        raise EmptyActivityError(
            f"{filename!r} is empty: its {len(data)} bytes are only whitespace, byte-order marks "
            "or zero bytes; export the activity again"
        )
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


def parse_samples(data: bytes, filename: str) -> TrackSamples:
    """The per-point samples of a stored file of any supported format, for drawing one
    activity's track and curves (issue #12); several sessions of a file come together, in
    time order (the caller windows them by the activity's start and duration).

    Raises:
        UnsupportedFileError: neither FIT, GPX nor TCX. CorruptFileError: damaged.
        EmptyActivityError: no timed point.
    """
    kind = sniff(data) if data else None
    if kind == "fit":
        return fit.samples(data, filename)
    if kind == "gpx":
        return gpx.samples(data, filename)
    if kind == "tcx":
        return tcx.samples(data, filename)
    raise UnsupportedFileError(f"{filename!r} is neither a FIT, GPX nor TCX file")
