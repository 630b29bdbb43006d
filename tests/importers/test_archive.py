"""Archives: zip, nested zip (Garmin), .gz, a Strava export, and the bombs and breakages."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from loadwatch.domain import Sport
from loadwatch.errors import CorruptFileError, FileTooLargeError
from loadwatch.importers import archive
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
    for level in range(archive.MAX_NESTING + 1):
        data = _zip({f"level{level}.zip" if level else "run.fit": data})
    items = list(archive.expand_bytes("deep.zip", data))
    assert any(i.error and "nests zip files" in str(i.error) for i in items)


def test_folder_is_walked_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.fit").write_bytes(FIT)
    (tmp_path / "1.gpx").write_bytes(GPX)
    assert [Path(i.name).name for i in archive.expand_path(tmp_path)] == ["1.gpx", "2.fit"]
