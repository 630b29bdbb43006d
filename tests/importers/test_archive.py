"""Archives: zip, nested zip (Garmin), .gz, a Strava export, and the bombs and breakages."""

from __future__ import annotations

import csv
import gzip
import io
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from loadwatch.domain import Sport
from loadwatch.errors import CorruptFileError, FileTooLargeError, UnsupportedFileError
from loadwatch.importers import archive, budget, strava_csv
from tests.conftest import DATA

FIT = (DATA / "fit/run-5k-session.fit").read_bytes()
GPX = (DATA / "gpx/no-type.gpx").read_bytes()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


def test_gz_file_is_decompressed() -> None:
    (item,) = archive.expand_bytes("run.fit.gz", gzip.compress(FIT))
    assert item.data == FIT
    assert item.error is None


def test_garmin_export_with_zips_inside_zips_is_walked(tmp_path: Path) -> None:
    inner = _zip({"12345_ACTIVITY.fit": FIT, "notes.json": b"{}"})
    outer = _zip({"DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner})
    path = tmp_path / "garmin.zip"
    path.write_bytes(outer)
    items = list(archive.expand_path(path))
    assert [i.name.split("/")[-1] for i in items] == ["12345_ACTIVITY.fit"]
    assert items[0].data == FIT


def test_strava_export_takes_type_and_gear_from_activities_csv() -> None:
    csv_text = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Filename,Activity Gear\n"
        '1,"Mar 1, 2026",Morning Run,Run,activities/1.fit.gz,Pegasus 40\n'
        '2,"Mar 2, 2026",Spin,Ride,activities/2.gpx,\n'
    )
    export = _zip(
        {
            "activities.csv": csv_text.encode(),
            "activities/1.fit.gz": gzip.compress(FIT),
            "activities/2.gpx": GPX,
        }
    )
    items = list(archive.expand_bytes("export.zip", export))
    assert [(i.hints.sport, i.hints.gear) for i in items] == [
        (Sport.RUN, "Pegasus 40"),
        (Sport.RIDE, None),
    ]
    assert items[0].data == FIT


def test_zip_bomb_member_is_refused_and_the_rest_goes_on() -> None:
    bomb = _zip({"bomb.gpx": b"\0" * (archive.MAX_FILE_BYTES + 10), "ok.fit": FIT})
    assert len(bomb) < 200_000  # it is small on disk; it only explodes when read
    bad, good = archive.expand_bytes("bomb.zip", bomb)
    assert isinstance(bad.error, FileTooLargeError)
    assert "bomb.zip/bomb.gpx" in str(bad.error)
    assert good.data == FIT


def test_oversized_plain_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "huge.gpx"
    path.write_bytes(b"<" + b" " * 5000)
    (item,) = archive.expand_path(path)
    assert isinstance(item.error, FileTooLargeError)
    assert "huge.gpx" in str(item.error)
    assert "limit for one activity file" in str(item.error)


@pytest.mark.parametrize("name", ["damaged.zip", "truncated.fit.gz"])
def test_damaged_archives_are_reported_as_corrupt(name: str) -> None:
    (item,) = archive.expand_path(DATA / "invalid" / name)
    assert isinstance(item.error, CorruptFileError)
    assert name in str(item.error)


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    data = FIT
    for level in range(budget.MAX_NESTING + 1):
        data = _zip({f"level{level}.zip" if level else "run.fit": data})
    items = list(archive.expand_bytes("deep.zip", data))
    assert any(i.error and "nests zip files" in str(i.error) for i in items)


def test_folder_is_walked_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.fit").write_bytes(FIT)
    (tmp_path / "1.gpx").write_bytes(GPX)
    assert [Path(i.name).name for i in archive.expand_path(tmp_path)] == ["1.gpx", "2.fit"]


# ---------------------------------------------------------------- members zipfile cannot read
# (issue #15): each is rejected on its own and the rest of the archive still comes through.


def _stored_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


def _patched(
    data: bytes, member: str, *, flag: int = 0, method: int | None = None, crc: int | None = None
) -> bytes:
    """Patch one member's flag bits / method in its local and central headers (CRC: central)."""
    out = bytearray(data)
    name = member.encode()
    # (signature, flag offset, method offset, CRC offset, name offset): APPNOTE 4.3.7 and 4.3.12
    headers = ((b"PK\x03\x04", 6, 8, None, 30), (b"PK\x01\x02", 8, 10, 16, 46))
    for signature, flag_at, method_at, crc_at, name_at in headers:
        position = out.find(signature)
        while position >= 0:
            if out[position + name_at : position + name_at + len(name)] == name:
                (flags,) = struct.unpack_from("<H", out, position + flag_at)
                struct.pack_into("<H", out, position + flag_at, flags | flag)
                if method is not None:
                    struct.pack_into("<H", out, position + method_at, method)
                if crc is not None and crc_at is not None:
                    struct.pack_into("<I", out, position + crc_at, crc)
            position = out.find(signature, position + 1)
    return bytes(out)


def _names_and_errors(items: list[archive.SourceFile]) -> list[tuple[str, str | None]]:
    return [(i.name, str(i.error) if i.error else None) for i in items]


@pytest.mark.parametrize(
    ("flag", "method"),
    [(0x1, None), (0x1, 99), (0x40, None), (0x41, None)],
    ids=["zipcrypto", "aes", "strong-encryption", "strong-encryption-flag-pair"],
)
def test_encrypted_member_is_rejected_and_its_neighbours_come_through(
    flag: int, method: int | None
) -> None:
    data = _patched(_stored_zip({"a.gpx": GPX, "run.fit": FIT, "z.gpx": GPX}), "run.fit", flag=flag)
    if method is not None:
        data = _patched(data, "run.fit", method=method)
    first, bad, last = archive.expand_bytes("x.zip", data)
    assert isinstance(bad.error, UnsupportedFileError)
    assert str(bad.error) == "'x.zip/run.fit' is encrypted: export it again without a password"
    assert (first.data, last.data) == (GPX, GPX)


@pytest.mark.parametrize(
    ("method", "label"),
    [(9, "Deflate64"), (6, "Implode"), (93, "Zstandard"), (98, "PPMd"), (200, "method 200")],
)
def test_member_with_a_method_zipfile_cannot_read_is_rejected_alone(
    method: int, label: str
) -> None:
    data = _patched(_stored_zip({"run.fit": FIT, "ok.gpx": GPX}), "run.fit", method=method)
    bad, good = archive.expand_bytes("x.zip", data)
    assert isinstance(bad.error, UnsupportedFileError)
    assert str(bad.error) == (
        f"'x.zip/run.fit' uses a compression method loadwatch cannot read ({label}); "
        "unzip it with another tool and import the files"
    )
    assert good.data == GPX


def test_member_with_a_bad_crc_is_rejected_alone() -> None:
    data = _patched(_stored_zip({"run.fit": FIT, "ok.gpx": GPX}), "run.fit", crc=0x12345678)
    bad, good = archive.expand_bytes("x.zip", data)
    assert isinstance(bad.error, CorruptFileError)
    assert str(bad.error) == (
        "'x.zip/run.fit' is damaged: its checksum (CRC-32) does not match its contents; "
        "download or export the archive again"
    )
    assert isinstance(bad.error.__cause__, zipfile.BadZipFile)
    assert good.data == GPX


def test_encrypted_nested_zip_is_rejected_and_the_outer_members_come_through() -> None:
    inner = _stored_zip({"1.fit": FIT})
    outer = _patched(_stored_zip({"part1.zip": inner, "2.gpx": GPX}), "part1.zip", flag=0x1)
    bad, good = archive.expand_bytes("garmin.zip", outer)
    assert "'garmin.zip/part1.zip' is encrypted" in str(bad.error)
    assert good.data == GPX


def test_damaged_gz_message_is_plain_words() -> None:
    (item,) = archive.expand_bytes("run.fit.gz", gzip.compress(FIT)[:-30] + b"\x00" * 30)
    assert isinstance(item.error, CorruptFileError)
    assert str(item.error) == (
        "'run.fit.gz' is a damaged or truncated .gz file; download or export it again"
    )


# ---------------------------------------------------------------- Strava activities.csv bounds

STRAVA_HEADER = "Activity ID,Activity Date,Activity Name,Activity Type,Filename,Activity Gear\n"


def _strava(csv_bytes: bytes, *, csv_flag: int = 0) -> bytes:
    export = _stored_zip(
        {"activities.csv": csv_bytes, "activities/1.fit": FIT, "activities/2.gpx": GPX}
    )
    return _patched(export, "activities.csv", flag=csv_flag) if csv_flag else export


def _hintless_import(items: list[archive.SourceFile]) -> archive.SourceFile:
    """The activities.csv rejection, after asserting both activities came through unhinted."""
    csv_item, *activities = items
    assert [(a.data, a.hints.sport) for a in activities] == [(FIT, None), (GPX, None)]
    assert csv_item.data is None
    assert csv_item.name == "export.zip/activities.csv"
    assert str(csv_item.error).endswith(
        "; the activities were imported without its sport, gear and name hints"
    )
    return csv_item


def test_a_200_kb_csv_field_skips_the_hints_but_not_the_archive() -> None:
    row = f'1,"Mar 1, 2026",{"x" * 200_000},Run,activities/1.fit,\n'
    items = list(archive.expand_bytes("export.zip", _strava((STRAVA_HEADER + row).encode())))
    csv_item = _hintless_import(items)
    assert isinstance(csv_item.error, CorruptFileError)
    assert "has a field longer than 128 KB" in str(csv_item.error)


def test_the_field_bound_holds_whatever_the_process_wide_csv_limit_is() -> None:
    row = f'1,"Mar 1, 2026",{"x" * 200_000},Run,activities/1.fit,\n'
    previous = csv.field_size_limit(sys.maxsize)
    try:
        items = list(archive.expand_bytes("export.zip", _strava((STRAVA_HEADER + row).encode())))
    finally:
        csv.field_size_limit(previous)
    assert "has a field longer than 128 KB" in str(_hintless_import(items).error)


def test_an_encrypted_activities_csv_skips_the_hints_but_not_the_archive() -> None:
    row = '1,"Mar 1, 2026",Run,Run,activities/1.fit,\n'
    items = list(
        archive.expand_bytes("export.zip", _strava((STRAVA_HEADER + row).encode(), csv_flag=1))
    )
    csv_item = _hintless_import(items)
    assert isinstance(csv_item.error, UnsupportedFileError)
    assert str(csv_item.error).startswith("'export.zip/activities.csv' is encrypted")


def test_an_oversized_activities_csv_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(strava_csv, "MAX_CSV_BYTES", 1000)
    rows = "".join(f'{i},"Mar 1, 2026",Run {i},Run,activities/{i}.fit,\n' for i in range(100))
    items = list(archive.expand_bytes("export.zip", _strava((STRAVA_HEADER + rows).encode())))
    csv_item = _hintless_import(items)
    assert isinstance(csv_item.error, FileTooLargeError)
    assert str(csv_item.error).startswith("'export.zip/activities.csv' is larger than")


def test_a_csv_with_a_nul_or_a_broken_quote_still_imports_the_archive() -> None:
    for text in (STRAVA_HEADER + '1,"x\0",Run,Run,activities/1.fit,\n', 'a,"b\n'):
        items = list(archive.expand_bytes("export.zip", _strava(text.encode())))
        assert [i.data for i in items if i.data is not None] == [FIT, GPX]


def test_a_device_file_or_fifo_is_refused_without_reading_it(tmp_path) -> None:
    import os

    from loadwatch.importers.archive import expand_path

    fifo = tmp_path / "pipe.fit"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        (source,) = list(expand_path(path))
        assert source.data is None
        assert "is not a regular file" in str(source.error)
