"""Raw deflate streams (RFC 1951) inside the containers an import reads: a zip member's and a
gzip file's (issue #26). A file that came deflated is stored with the stream it came in rather
than compressed again; the caller checks that the stream inflates to the file's bytes."""

from __future__ import annotations

import struct
import zipfile

_GZIP_FLAGS = {"FHCRC": 0x2, "FEXTRA": 0x4, "FNAME": 0x8, "FCOMMENT": 0x10}  # RFC 1952 2.3.1


def gzip_deflate(data: bytes) -> bytes | None:
    """The deflate stream of a gzip file (RFC 1952): the bytes between its header and its
    8-byte trailer; None when the header is not one this reads. A file of several gzip members
    gives bytes that do not inflate to its contents: whoever uses the stream checks that."""
    if len(data) < 18 or not data.startswith(b"\x1f\x8b\x08") or data[3] & 0xE0:
        return None
    flags, position = data[3], 10
    try:
        if flags & _GZIP_FLAGS["FEXTRA"]:
            position += 2 + int.from_bytes(data[position : position + 2], "little")
        for flag in ("FNAME", "FCOMMENT"):
            if flags & _GZIP_FLAGS[flag]:
                position = data.index(b"\x00", position) + 1
    except ValueError:
        return None
    if flags & _GZIP_FLAGS["FHCRC"]:
        position += 2
    return data[position:-8] if position <= len(data) - 8 else None


def member_deflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """A deflated member's raw deflate stream as the archive stores it (after its local
    header), read once zipfile has read and checked the member; None for another method."""
    handle = archive.fp
    if info.compress_type != zipfile.ZIP_DEFLATED or handle is None:
        return None
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        return None
    name_bytes, extra_bytes = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_bytes + extra_bytes)
    deflate = handle.read(info.compress_size)
    return deflate if len(deflate) == info.compress_size else None
