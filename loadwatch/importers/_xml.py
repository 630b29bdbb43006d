"""Safe XML parsing for GPX and TCX: DTDs, entities and external references refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from loadwatch.errors import CorruptFileError, InputError


def _is_plain(data: bytes) -> bool:
    """True when the bytes are ASCII-compatible XML with no DOCTYPE or ENTITY declaration.

    Entities can only be declared in a DTD, and GPX and TCX files never carry one; such a
    document is safe for the C parser, which is about twice as fast as defusedxml's Python-level
    parser (issue #5). Anything else (a DTD, UTF-16, a NUL byte up front) goes through defusedxml.
    """
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return (
        head == b"<"
        and b"\x00" not in data[:4]
        and b"<!DOCTYPE" not in data
        and b"<!ENTITY" not in data
    )


def parse_xml(data: bytes, filename: str, kind: str) -> ET.Element:
    """Parse untrusted XML bytes, refusing entity declarations (billion laughs, XXE).

    Raises:
        InputError: the document declares entities or external references (hostile or unsafe).
        CorruptFileError: the bytes are not well-formed XML.
    """
    try:
        if _is_plain(data):
            return ET.fromstring(data)  # noqa: S314 - no DTD, so no entities: see _is_plain
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)  # type: ignore[no-any-return]
    except DefusedXmlException as exc:
        raise InputError(
            f"{filename!r} declares XML entities or external references, which {kind} files "
            "never need; it was refused as unsafe"
        ) from exc
    except ET.ParseError as exc:
        raise CorruptFileError(f"{filename!r} is not well-formed {kind} XML: {exc}") from exc


def namespace(root: ET.Element) -> str:
    """`{http://...}gpx` -> `{http://...}`; `gpx` -> ``."""
    tag = root.tag
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_time(text: str | None) -> datetime | None:
    """ISO 8601 text to an aware UTC datetime; naive times are taken as UTC; junk gives None."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None
