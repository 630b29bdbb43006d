"""Our own generated files (tests/data/index.toml) through parse_activity, by content."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from loadwatch.domain import SourceFormat, Sport, SportSource
from loadwatch.errors import (
    CorruptFileError,
    EmptyActivityError,
    InputError,
    UnsupportedFileError,
)
from loadwatch.importers import parse_activity, sniff
from tests.conftest import DATA

INDEX = tomllib.loads((DATA / "index.toml").read_text())["file"]


@pytest.mark.parametrize("entry", INDEX, ids=[e["path"] for e in INDEX])
def test_generated_file_matches_its_index_entry(entry: dict[str, object]) -> None:
    path = DATA / str(entry["path"])
    activities = parse_activity(path.read_bytes(), path.name)
    first = activities[0]
    assert len(activities) == entry.get("sessions", 1)
    assert [a.sport.value for a in activities] == str(entry["sport"]).split(",")
    assert first.distance_m == pytest.approx(entry["distance_m"], abs=entry["tolerance_m"])
    assert first.duration_s == pytest.approx(entry["duration_s"], abs=1)
    assert first.started_at == datetime.fromisoformat(str(entry["started_at"]))
    if "utc_offset_s" in entry:
        assert first.utc_offset_s == entry["utc_offset_s"]
    if "sport_source" in entry:
        assert [a.sport_source.value for a in activities] == str(entry["sport_source"]).split(",")
    for activity in activities:  # the old flag stays consistent with the provenance
        assert activity.has_sport is (activity.sport_source is SportSource.DECLARED)
        assert activity.moving_s <= activity.duration_s
    if "is_virtual" in entry:
        assert first.is_virtual is entry["is_virtual"]
    if "is_device_file" in entry:
        assert first.is_device_file is entry["is_device_file"]
    if "start_position" in entry:
        assert (first.start_lat is not None) is entry["start_position"]
        assert (first.start_lon is not None) is entry["start_position"]
    if "effort_rpe" in entry:
        assert first.effort_rpe == entry["effort_rpe"]
    if "ascent_max_m" in entry:
        assert first.ascent_m is not None
        assert 0 < first.ascent_m <= float(str(entry["ascent_max_m"]))


def test_format_is_sniffed_from_content_not_extension(tmp_path: Path) -> None:
    data = (DATA / "gpx/run-10k-hilly.gpx").read_bytes()
    activities = parse_activity(data, "misnamed.fit")
    assert activities[0].source_format is SourceFormat.GPX
    assert sniff((DATA / "fit/run-5k-session.fit").read_bytes()) == "fit"
    assert sniff((DATA / "tcx/run-10k.tcx").read_bytes()) == "tcx"


def test_multisport_fit_drops_the_transition_and_keeps_each_sport() -> None:
    activities = parse_activity((DATA / "fit/triathlon-3-sessions.fit").read_bytes(), "tri.fit")
    assert [a.sport for a in activities] == [Sport.SWIM, Sport.RIDE, Sport.RUN]
    assert activities[0].started_at < activities[1].started_at < activities[2].started_at
    assert all(a.utc_offset_s == 7200 for a in activities)


def test_fit_without_records_uses_the_session_summary() -> None:
    (activity,) = parse_activity((DATA / "fit/treadmill-no-records.fit").read_bytes(), "t.fit")
    assert activity.sub_sport == "treadmill"
    assert activity.distance_m > 7900
    assert activity.skipped_records < 10  # two events and a lap skipped; there are no records


def test_gpx_without_type_at_running_speed_is_unknown_so_the_service_decides() -> None:
    (activity,) = parse_activity((DATA / "gpx/no-type.gpx").read_bytes(), "n.gpx")
    assert activity.sport is Sport.UNKNOWN
    assert activity.sport_source is SportSource.INFERRED
    assert activity.has_sport is False


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [
        ("truncated-eof.fit", CorruptFileError, "truncated-eof.fit' is truncated"),
        ("bad-crc.fit", CorruptFileError, "failed its FIT checksum"),
        ("zero-bytes.fit", EmptyActivityError, r"is empty \(0 bytes\)"),
        ("not-an-activity.txt", UnsupportedFileError, "neither a FIT, GPX nor TCX"),
        ("malformed.gpx", CorruptFileError, "not well-formed GPX XML"),
        ("no-trkpt.gpx", EmptyActivityError, "has no track points"),
        ("entity-bomb.gpx", InputError, "declares XML entities"),
        ("external-entity.gpx", InputError, "declares XML entities or external references"),
        ("route-only.gpx", UnsupportedFileError, "is a GPX route"),
        ("course.tcx", UnsupportedFileError, r"is a course \(a planned route\), not a recorded"),
        (
            "location-history.gpx",
            UnsupportedFileError,
            r"looks like a location history \(1,476 points over 41 days\), not a workout",
        ),
    ],
)
def test_broken_file_is_rejected_with_its_name_and_the_problem(
    name: str, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match) as info:
        parse_activity((DATA / "invalid" / name).read_bytes(), name)
    assert name in str(info.value)


def test_track_without_timestamps_is_rejected_with_the_reason() -> None:
    gpx = (
        b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        b'<trk><trkseg><trkpt lat="47.0" lon="8.0"/><trkpt lat="47.001" lon="8.0"/>'
        b"</trkseg></trk></gpx>"
    )
    with pytest.raises(EmptyActivityError, match="without timestamps"):
        parse_activity(gpx, "drawn.gpx")
