"""The stored original of an imported file (issue #26): a file that came deflated (a zip member,
a .gz file) keeps the deflate stream it came in, checked to give back exactly its bytes; anything
else is compressed again. The per-batch shoe lookup of a Strava export's gear."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db.models import OriginalFile
from loadwatch.domain import ImportStatus
from loadwatch.importers import deflate
from loadwatch.services import parse_pool
from loadwatch.synth import fit_bytes, gpx_bytes, make_track

TODAY = date(2026, 11, 21)
START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def _originals(engine: Engine) -> dict[str, bytes]:
    """Stored file name -> stored zlib content."""
    with Session(engine) as session:
        rows = session.scalars(select(OriginalFile)).all()
        return {row.filename.rsplit("/", 1)[-1]: row.content_zlib for row in rows}


def _raw_deflate(data: bytes, level: int) -> bytes:
    """What zipfile and gzip write for `data` at `level`: a raw deflate stream."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _track(day: int) -> object:
    return make_track(START + timedelta(days=day), 6000, 330, seed=day, interval_s=2)


def test_zip_and_gz_members_keep_the_deflate_stream_they_came_in(engine: Engine) -> None:
    gpx = gpx_bytes(_track(0))
    fit = fit_bytes([_track(1)], utc_offset_s=3600)
    stored_gpx = gpx_bytes(_track(2))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("run.gpx", gpx, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        fit_gz = gzip.compress(fit, compresslevel=9, mtime=0)
        out.writestr("watch.fit.gz", fit_gz, compress_type=zipfile.ZIP_DEFLATED)
        out.writestr("plain.gpx", stored_gpx, compress_type=zipfile.ZIP_STORED)
    results = services.import_uploads(engine, [("export.zip", buffer.getvalue())], today=TODAY)
    assert {r.status for r in results} == {ImportStatus.IMPORTED}
    originals = _originals(engine)
    assert {name: zlib.decompress(content) for name, content in originals.items()} == {
        "run.gpx": gpx,
        "watch.fit.gz": fit,
        "plain.gpx": stored_gpx,
    }
    # The archive's own streams (level 9), wrapped as zlib data: not compressed again.
    assert originals["run.gpx"][2:-4] == _raw_deflate(gpx, 9)
    assert originals["watch.fit.gz"][2:-4] == fit_gz[10:-8]
    # A stored (uncompressed) member has no stream to keep: compressed as before.
    assert originals["plain.gpx"] == zlib.compress(stored_gpx, 1)


def test_a_gz_file_of_two_members_is_compressed_again_and_stored_whole(engine: Engine) -> None:
    gpx = gpx_bytes(_track(3))
    half = len(gpx) // 2
    two_members = gzip.compress(gpx[:half], mtime=0) + gzip.compress(gpx[half:], mtime=0)
    (result,) = services.import_uploads(engine, [("run.gpx.gz", two_members)], today=TODAY)
    assert result.status is ImportStatus.IMPORTED
    content = _originals(engine)["run.gpx.gz"]
    assert zlib.decompress(content) == gpx
    assert content == zlib.compress(gpx, 1)


def _gzip_with_every_header_field(data: bytes) -> bytes:
    """A gzip file whose header carries an extra field, a name, a comment and a header CRC."""
    flags = 0x2 | 0x4 | 0x8 | 0x10
    header = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", 0) + b"\x00\x03"
    header += struct.pack("<H", 4) + b"ab\x00\x00" + b"run.gpx\x00" + b"a comment\x00"
    header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    trailer = struct.pack("<II", zlib.crc32(data), len(data))
    return header + _raw_deflate(data, 6) + trailer


def test_the_deflate_stream_is_found_after_every_gzip_header_field() -> None:
    data = gpx_bytes(_track(4))
    gz = _gzip_with_every_header_field(data)
    assert gzip.decompress(gz) == data  # a valid gzip file, as Python reads it
    stream = deflate.gzip_deflate(gz)
    assert stream == _raw_deflate(data, 6)
    stored = parse_pool.stored_original(data, stream)
    assert stored[2:-4] == stream
    assert zlib.decompress(stored) == data


@pytest.mark.parametrize(
    "damage",
    [
        lambda deflate: deflate + b"junk after the stream",
        lambda deflate: deflate[:-3],
        lambda deflate: _raw_deflate(b"another file", 6),
        lambda deflate: b"not deflate at all",
    ],
    ids=["bytes after", "truncated", "another file's", "junk"],
)
def test_a_stream_that_does_not_give_back_the_bytes_is_not_kept(damage: object) -> None:
    data = gpx_bytes(_track(5))
    stored = parse_pool.stored_original(data, damage(_raw_deflate(data, 6)))  # type: ignore[operator]
    assert stored == zlib.compress(data, 1)
    assert zlib.decompress(stored) == data


@pytest.mark.parametrize("header", [b"", b"\x1f\x8b\x08\xe0" + bytes(20), b"\x1f\x8b\x08\x08abc"])
def test_a_gzip_header_this_does_not_read_gives_no_stream(header: bytes) -> None:
    assert deflate.gzip_deflate(header) is None


def test_gear_shoes_of_a_batch_are_found_once_and_each_run_gets_its_own(engine: Engine) -> None:
    gear = ["Pegasus 40", "Clifton 9", "Pegasus 40", "", "Clifton 9", "Pegasus 40"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        rows = "".join(
            f"{i},Run,activities/{i}.gpx,{name}\n" for i, name in enumerate(gear, start=1)
        )
        out.writestr("activities.csv", "Activity ID,Activity Type,Filename,Activity Gear\n" + rows)
        for i in range(1, len(gear) + 1):
            out.writestr(f"activities/{i}.gpx", gpx_bytes(_track(10 + i)))
    results = services.import_uploads(engine, [("export_9.zip", buffer.getvalue())], today=TODAY)
    assert [r.status for r in results] == [ImportStatus.IMPORTED] * len(gear)
    shoes = {row.source_file: row.shoe for row in services.list_activities(engine, "me")}
    assert {name.rsplit("/", 1)[-1]: shoe for name, shoe in shoes.items()} == {
        f"{i}.gpx": name or None for i, name in enumerate(gear, start=1)
    }
    assert sorted(s.name for s in services.list_shoes(engine, "me")) == [
        "Clifton 9",
        "Pegasus 40",
    ]
