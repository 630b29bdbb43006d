"""Safe XML parsing for GPX and TCX: DTDs, entities and external references refused.

The tree is lxml's (issue #26: its C tree builder is four times as fast as ElementTree's, and
XPath reads a whole column of values, every point's time say, in one call). Its parser resolves
no entities, loads no DTD, never touches the network and keeps libxml2's limits on depth and
text size (no `huge_tree`); a document with a DOCTYPE is first read by defusedxml, which refuses
entity declarations. lxml ships no type hints: its elements are `XmlElement` (Any), the parser
edge STYLE.md allows.

Encodings: a document is first brought to UTF-8 (`to_utf8`): a UTF-8, UTF-16 or UTF-32 byte-order
mark, UTF-16 without a mark (recognised by its zero bytes), or the encoding the XML declaration
names (ISO-8859-1, windows-1252, ...); whitespace before the first `<` is dropped, as Strava's
downloads have it. The entity defences then run on the UTF-8 bytes, the same for every encoding.
"""

from __future__ import annotations

import codecs
import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeAlias

import numpy as np
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from lxml import etree

from loadwatch.errors import CorruptFileError, InputError, UnsupportedFileError

SNIFF_BYTES = 1024 * 1024  # how far `root_name` looks for the first start tag
_WHITESPACE = b" \t\r\n"
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARATION = re.compile(rb"^<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_TEXT_DECLARATION = re.compile(r"^<\?xml\s[^>]*\?>")
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


def detect_encoding(data: bytes) -> tuple[str, int]:
    """The document's encoding (a Python codec name) and the length of its byte-order mark.

    A byte-order mark wins; then UTF-16 without a mark, recognised by a zero in every other
    byte of the first characters (`<`, `?`, whitespace); then the encoding pseudo-attribute of
    the XML declaration; UTF-8 otherwise, as the XML specification says.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    head = data[:16]
    if len(head) >= 4 and not any(head[1::2]) and all(head[0::2]):
        return "utf-16-le", 0
    if len(head) >= 4 and not any(head[0::2]) and all(head[1::2]):
        return "utf-16-be", 0
    match = _DECLARATION.match(data.lstrip(_WHITESPACE)[:200])
    if match is None:
        return "utf-8", 0
    declared = match.group(1).decode("ascii").lower()
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return declared, 0  # to_utf8 reports it
    # An ASCII-readable declaration cannot belong to a UTF-16/32 document: the bytes are UTF-8.
    return ("utf-8" if name in _WIDE or name.startswith(("utf-16", "utf-32")) else name), 0


def to_utf8(data: bytes, filename: str, kind: str) -> bytes:
    """The document as UTF-8 bytes starting at its first `<` (see the module docstring).

    Raises:
        UnsupportedFileError: the XML declaration names an encoding Python does not know.
        CorruptFileError: the bytes are not valid in the document's encoding.
    """
    encoding, bom = detect_encoding(data)
    if encoding == "utf-8":
        # The common case: no decoding here, expat checks the UTF-8 as it parses.
        start = bom
        while start < len(data) and data[start] in _WHITESPACE:
            start += 1
        return data[start:] if start else data
    try:
        text = data[bom:].decode(encoding)
    except LookupError as exc:
        raise UnsupportedFileError(
            f"{filename!r} declares the text encoding {encoding!r}, which loadwatch cannot "
            f"read; export the {kind} file as UTF-8"
        ) from exc
    except UnicodeDecodeError as exc:
        raise CorruptFileError(
            f"{filename!r} is not valid {encoding} text (bad byte at position {exc.start}); "
            f"the {kind} file is damaged, export it again"
        ) from exc
    text = _TEXT_DECLARATION.sub("", text.lstrip("\ufeff \t\r\n"), count=1)
    return text.encode("utf-8")


def head_text(data: bytes, limit: int = SNIFF_BYTES) -> str:
    """The first `limit` bytes decoded as the document's encoding; undecodable bytes dropped."""
    encoding, bom = detect_encoding(data)
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="ignore")
    except LookupError:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
    return str(decoder.decode(data[bom:limit])).lstrip("\ufeff \t\r\n")


def root_name(data: bytes, limit: int = SNIFF_BYTES) -> str | None:
    """Local name of the first start tag after the prolog, looking at most `limit` bytes in.

    The prolog (XML declaration, processing instructions, comments, a DOCTYPE) may be of any
    length, so the root is found by skipping it rather than by a search in a fixed-size head.
    None when the head does not start like XML or the root lies beyond `limit`.
    """
    text = head_text(data, limit)
    position = 0
    while True:
        position = _skip_space(text, position)
        if text.startswith("<?", position):
            end = text.find("?>", position + 2)
            position = -1 if end < 0 else end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position + 4)
            position = -1 if end < 0 else end + 3
        elif text.startswith("<!", position):
            position = _skip_doctype(text, position)
        elif text.startswith("<", position):
            match = re.match(r"<([^\s/>]+)", text[position : position + 300])
            return match.group(1).rsplit(":", 1)[-1] if match else None
        else:
            return None
        if position < 0:
            return None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _skip_doctype(text: str, position: int) -> int:
    """Index after a `<!DOCTYPE ...>` starting at `position` (internal subset included), or -1."""
    bracket = text.find("[", position)
    close = text.find(">", position)
    if close < 0:
        return -1
    if 0 <= bracket < close:
        end = text.find("]", bracket)
        close = -1 if end < 0 else text.find(">", end)
    return -1 if close < 0 else close + 1


def _is_plain(data: bytes) -> bool:
    """True when the UTF-8 bytes (see `to_utf8`) carry no DOCTYPE or ENTITY declaration.

    Entities can only be declared in a DTD, and GPX and TCX files never carry one; such a
    document is safe for the C parser, which is about twice as fast as defusedxml's Python-level
    parser (issue #5). Anything else (a DTD, a NUL byte up front) goes through defusedxml.
    """
    return (
        data[:1] == b"<"
        and b"\x00" not in data[:4]
        and b"<!DOCTYPE" not in data
        and b"<!ENTITY" not in data
    )


XmlElement: TypeAlias = Any  # an lxml element (lxml has no type hints)


_PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    "collect_ids": False,
}


def _parser() -> Any:
    """A new lxml parser (they are not shared between threads): no entities, no DTD, no
    network, libxml2's default limits; comments and processing instructions are dropped, so
    every child of an element is an element."""
    return etree.XMLParser(**_PARSER_OPTIONS)


def parse_xml(data: bytes, filename: str, kind: str) -> XmlElement:
    """Parse untrusted XML bytes in any encoding, refusing entities (billion laughs, XXE).

    Returns:
        The root element (lxml).

    Raises:
        InputError: the document declares entities or external references (hostile or unsafe).
        CorruptFileError: the bytes are not well-formed XML, or not valid in their encoding.
        UnsupportedFileError: an encoding Python does not know.
    """
    return parse_xml_pruned(data, filename, kind, "", lambda point: None, lambda key, pts: None)


# Documents from this size on are streamed (`parse_xml_pruned`); smaller ones are built whole,
# which is faster (lxml's tree builder in one call) and holds little memory anyway.
STREAM_MIN_BYTES = 4 * 1024 * 1024
BATCH_POINTS = 4096  # points handed over at a time when streaming


def parse_xml_pruned(
    data: bytes,
    filename: str,
    kind: str,
    point_tag: str,
    owner: Callable[[XmlElement], XmlElement | None],
    consume: Callable[[XmlElement, list[XmlElement]], None],
) -> XmlElement:
    """`parse_xml`, streaming a large document's points out of the tree as it is read
    (issue #23: a 62 MiB GPX built whole held 800 MB).

    From `STREAM_MIN_BYTES` on, the document is read with lxml's `iterparse` (the same parser
    options: no entities, no DTD, no network, libxml2's limits); each element of `point_tag`
    (`{*}trkpt`) goes to the group `owner(point)` names (its segment, its activity; None: not a
    point to stream), and every `BATCH_POINTS` points of a group are handed to
    `consume(group, points)` and then removed from the tree. The tree returned holds everything
    else, and the last points of each group (fewer than `BATCH_POINTS`), in document order:
    the caller reads a group's consumed points first, then those still in the tree. Smaller
    documents are built whole and nothing is consumed.

    Raises:
        as `parse_xml`; an exception raised by `consume` goes through unchanged.
    """
    data = to_utf8(data, filename, kind)
    try:
        if not _is_plain(data):  # a DTD: defusedxml refuses any entity or external reference
            fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        if len(data) < STREAM_MIN_BYTES or not point_tag:
            return etree.fromstring(data, _parser())
        events = etree.iterparse(
            io.BytesIO(data), events=("end",), tag=point_tag, **_PARSER_OPTIONS
        )
        pending: dict[Any, list[XmlElement]] = {}
        for _, point in events:
            group = owner(point)
            if group is None:
                continue
            points = pending.setdefault(group, [])
            points.append(point)
            if len(points) >= BATCH_POINTS:
                consume(group, points)
                for done in points:
                    done.getparent().remove(done)
                points.clear()
        return events.root
    except DefusedXmlException as exc:
        raise InputError(
            f"{filename!r} declares XML entities or external references, which {kind} files "
            "never need; it was refused as unsafe"
        ) from exc
    except (ET.ParseError, etree.XMLSyntaxError) as exc:
        raise CorruptFileError(f"{filename!r} is not well-formed {kind} XML: {exc}") from exc


def point_texts(
    container: XmlElement,
    points: list[XmlElement],
    tag: str,
    depth: int | None = 1,
    index: dict[XmlElement, int] | None = None,
) -> list[str | None] | None:
    """The text of each point's `tag` element (None where a point has none; "" for an empty
    one), in one pass over the elements of that tag (issue #26: lxml's XPath merges node sets
    in quadratic time on `//` paths, and a loop over every child is the slow path).

    `points` are elements below `container` (a segment's track points, an activity's
    trackpoints); `depth` is how many levels below its point the element lies (Time: 1,
    Position/Latitude: 2); None: anywhere below it (an extension's heart rate). Elements
    of the tag that belong to no point (a lap's DistanceMeters) are ignored. None when a point
    holds the tag twice: the caller then reads the points one by one. `index` (each point's
    position in `points`) saves building it again for every column.
    """
    if not points:
        return []
    find = (index or {point: i for i, point in enumerate(points)}).get
    point_tag = points[0].tag
    texts: list[str | None] = [None] * len(points)
    # One loop per depth: this is the hot loop of a GPX or TCX parse (one turn per value).
    if depth == 1:
        for element in container.iter(tag):
            i = find(element.getparent())
            if i is not None:
                if texts[i] is not None:
                    return None
                texts[i] = element.text or ""
    elif depth is None:
        for element in container.iter(tag):
            owner = element.getparent()
            while owner is not None and owner.tag != point_tag:
                owner = owner.getparent()
            i = find(owner)
            if i is not None:
                if texts[i] is not None:
                    return None
                texts[i] = element.text or ""
    else:
        for element in container.iter(tag):
            owner = element
            for _ in range(depth):
                owner = owner.getparent() if owner is not None else None
            i = find(owner)
            if i is not None:
                if texts[i] is not None:
                    return None
                texts[i] = element.text or ""
    return texts


def float_column(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """`parse_float` over a column of texts, in C where it can: the values (NaN where blank or
    unreadable) and a mask of the unreadable ones (present, but not a finite number within
    `MAX_MAGNITUDE`: what `is_number_text` refuses)."""
    try:
        values = np.array(texts, dtype=float)
    except ValueError:  # a blank or junk text: one at a time
        parsed = [parse_float(text) for text in texts]
        values = np.array([math.nan if v is None else v for v in parsed], dtype=float)
        bad = np.array(
            [v is None and not is_blank(t) for v, t in zip(parsed, texts, strict=True)],
            dtype=bool,
        )
        return values, bad
    bad = ~np.isfinite(values) | (np.abs(values) > MAX_MAGNITUDE)
    values[bad] = math.nan
    return values, bad


def namespace(root: XmlElement) -> str:
    """`{http://...}gpx` -> `{http://...}`; `gpx` -> ``."""
    tag = root.tag
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_time(text: str | None) -> datetime | None:
    """ISO 8601 text to an aware UTC datetime; naive times are taken as UTC; junk gives None.

    "Junk" includes times `datetime` cannot hold once moved to UTC (year 1 with a positive
    offset, year 9999 with a negative one).
    """
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


MAX_MAGNITUDE = 1e9  # no activity value (metres, seconds, bpm, degrees) comes near it


def parse_float(text: str | None) -> float | None:
    """The number in `text`, or None when absent or unreadable.

    Unreadable includes NaN, the infinities and magnitudes over `MAX_MAGNITUDE` (1e9: a billion
    metres or seconds), so sums and averages of the values read stay finite.
    """
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= MAX_MAGNITUDE else None


def is_number_text(text: str | None) -> bool:
    """True when `text` is absent or a finite number: False for junk, NaN or an infinity.

    Importers drop a point whose value is present but not a usable number, rather than take the
    point without it.
    """
    return is_blank(text) or parse_float(text) is not None


def is_blank(text: str | None) -> bool:
    """True when `text` is absent or only whitespace (a value not given, not a bad value)."""
    return text is None or not text.strip()


# POSIX seconds of the first and last moments a `datetime` can hold: NumPy parses beyond them.
_MIN_POSIX_S = datetime(1, 1, 1, tzinfo=UTC).timestamp()
_MAX_POSIX_S = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()


# What NumPy reads exactly as written: anything else (an offset, a negative or five-digit year,
# a stray character) makes it warn or misread, so it goes through `parse_time`.
_PLAIN_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?Z")


def posix_seconds(texts: list[str | None]) -> np.ndarray:
    """ISO 8601 times to POSIX seconds (NaN where missing or unreadable); naive means UTC.

    NumPy reads `NaT`, year 12345 and negative years, none of which is a moment a run happened;
    those become NaN, like any other unreadable time.
    """
    if texts and all(t is not None and _PLAIN_UTC.fullmatch(t) for t in texts):
        # The common case (every exporter writes UTC with a Z): NumPy parses in C.
        try:
            stamps = np.array([t[:-1] for t in texts if t is not None], dtype="datetime64[ms]")
        except ValueError:
            pass
        else:
            seconds = stamps.astype("int64") / 1000.0
            bad = np.isnat(stamps) | (seconds < _MIN_POSIX_S) | (seconds > _MAX_POSIX_S)
            return np.where(bad, np.nan, seconds)
    result = np.full(len(texts), np.nan)
    for i, text in enumerate(texts):
        parsed = parse_time(text)
        if parsed is not None:
            result[i] = parsed.timestamp()
    return result
