"""GPX importer: gpxpy-identical distance on the corpus, pauses, noise and time handling."""

from __future__ import annotations

from datetime import UTC, datetime

import gpxpy
import pytest

from loadwatch.errors import LoadwatchError
from loadwatch.importers import gpx
from tests.conftest import CORPUS, corpus_params

# Files whose distance differs from gpxpy's on purpose, and why.
DIFFERENT_DISTANCE = {
    # One point has an out-of-range coordinate; gpxpy sums a 39,506 km jump, we drop the point.
    "legacy_gpx_pause_resume.gpx",
}


def _gpx(points: str, *, header: str = 'xmlns="http://www.topografix.com/GPX/1/1"') -> bytes:
    return f'<?xml version="1.0"?><gpx version="1.1" {header}><trk>{points}</trk></gpx>'.encode()


def _pt(lat: float, lon: float, time: str, ele: float | None = None) -> str:
    ele_xml = f"<ele>{ele}</ele>" if ele is not None else ""
    return f'<trkpt lat="{lat}" lon="{lon}">{ele_xml}<time>{time}</time></trkpt>'


@pytest.mark.corpus
@pytest.mark.parametrize("row", corpus_params(lambda r: r["format"] == "gpx"))
def test_distance_is_identical_to_gpxpy_length_2d(row: dict[str, str]) -> None:
    name = row["local_path"].split("/")[-1]
    data = (CORPUS / row["local_path"]).read_bytes()
    try:
        (ours,) = gpx.parse(data, name)
    except LoadwatchError as exc:
        assert name in str(exc)  # rejected files are named in the message
        return
    reference = gpxpy.parse(data.decode("utf-8-sig")).length_2d()
    if name in DIFFERENT_DISTANCE:
        assert ours.distance_m < reference
    else:
        assert ours.distance_m == pytest.approx(reference, rel=1e-9, abs=1e-6)


@pytest.mark.corpus
@pytest.mark.parametrize(
    "row",
    corpus_params(
        lambda r: (
            r["format"] == "gpx" and r["kind"] == "valid" and r["gpx_n_points"] not in ("", "0")
        )
    ),
)
def test_valid_corpus_gpx_matches_the_manifest(row: dict[str, str]) -> None:
    name = row["local_path"].split("/")[-1]
    data = (CORPUS / row["local_path"]).read_bytes()
    if row["start_time"].startswith("1901"):
        # Mojstrovka.gpx mixes 1901 and 2010 timestamps: a device with an unset clock.
        (activity,) = gpx.parse(data, name)
        assert activity.started_at.year == 1901  # the services layer rejects it as implausible
        return
    (activity,) = gpx.parse(data, name)
    assert activity.distance_m == pytest.approx(float(row["gpx_length_2d_m"]), abs=0.1)
    assert activity.started_at == datetime.fromisoformat(row["start_time"]).astimezone(UTC)


def test_segment_gap_is_not_bridged_and_counts_as_paused_time() -> None:
    one = _pt(47.0, 8.0, "2026-01-01T10:00:00Z") + _pt(47.001, 8.0, "2026-01-01T10:01:00Z")
    two = _pt(47.011, 8.0, "2026-01-01T10:20:00Z") + _pt(47.012, 8.0, "2026-01-01T10:21:00Z")
    (activity,) = gpx.parse(_gpx(f"<trkseg>{one}</trkseg><trkseg>{two}</trkseg>"), "pause.gpx")
    metres_per_step = 0.001 * gpx.geo.ONE_DEGREE
    assert activity.distance_m == pytest.approx(2 * metres_per_step, rel=1e-6)  # not the 1.1 km gap
    assert activity.duration_s == 21 * 60
    assert activity.moving_s == 2 * 60


def test_gps_jitter_while_standing_adds_no_moving_time() -> None:
    standing = "".join(
        _pt(47.0 + (i % 2) * 0.000005, 8.0, f"2026-01-01T10:00:{i:02d}Z") for i in range(0, 50, 5)
    )
    moving = _pt(47.001, 8.0, "2026-01-01T10:00:55Z")
    (activity,) = gpx.parse(_gpx(f"<trkseg>{standing}{moving}</trkseg>"), "jitter.gpx")
    assert activity.duration_s == 55
    assert activity.moving_s == 10  # only the last step (110 m in 10 s) is movement


def test_naive_times_are_read_as_utc_and_offsets_converted() -> None:
    naive = _pt(47.0, 8.0, "2026-01-01T10:00:00") + _pt(47.001, 8.0, "2026-01-01T10:01:00")
    offset = _pt(47.0, 8.0, "2026-01-01T11:00:00+01:00") + _pt(
        47.001, 8.0, "2026-01-01T11:01:00+01:00"
    )
    (a,) = gpx.parse(_gpx(f"<trkseg>{naive}</trkseg>"), "naive.gpx")
    (b,) = gpx.parse(_gpx(f"<trkseg>{offset}</trkseg>"), "offset.gpx")
    assert a.started_at == b.started_at == datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def test_elevation_gain_uses_gpxpy_smoothing() -> None:
    elevations = [100, 104, 100, 110, 120, 110]
    points = "".join(
        _pt(47.0 + i * 0.0005, 8.0, f"2026-01-01T10:0{i}:00Z", ele)
        for i, ele in enumerate(elevations)
    )
    (activity,) = gpx.parse(_gpx(f"<trkseg>{points}</trkseg>"), "hill.gpx")
    up, down = gpx.geo.calculate_uphill_downhill([float(e) for e in elevations])
    assert (activity.ascent_m, activity.descent_m) == (pytest.approx(up), pytest.approx(down))
    assert activity.ascent_m < 4 + 10 + 10  # the raw sum; smoothing damps the 4 m wobble


def test_type_sets_the_sport_and_heart_rate_is_averaged() -> None:
    ext = 'xmlns="http://www.topografix.com/GPX/1/1" xmlns:tp="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
    points = "".join(
        f'<trkpt lat="47.{i}" lon="8.0"><time>2026-01-01T10:0{i}:00Z</time>'
        f"<extensions><tp:TrackPointExtension><tp:hr>{140 + i * 10}</tp:hr>"
        "</tp:TrackPointExtension></extensions></trkpt>"
        for i in range(3)
    )
    (activity,) = gpx.parse(
        _gpx(f"<type>cycling</type><trkseg>{points}</trkseg>", header=ext), "r.gpx"
    )
    assert activity.sport.value == "ride"
    assert activity.avg_hr_bpm == 150
