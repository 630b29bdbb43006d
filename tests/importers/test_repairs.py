"""What devices really write is repaired, not refused (issue #26): a timer above the elapsed
time, a lap that outlasts its points, lap totals without full points, a pool swim without
positions, a few glitched timestamps. Files from our generator and from Garmin's FIT SDK
encoder; every repair is said in `ParsedActivity.repairs`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from loadwatch.domain import Sport
from loadwatch.importers import fit, gpx, parse_activity, tcx
from loadwatch.synth import fit_bytes, gpx_bytes, make_track, tcx_bytes
from tests.conftest import DATA
from tests.importers.sdk_fit import sdk_activity

START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def _with_lap_time(data: bytes, seconds: float) -> bytes:
    """The TCX with its (single) lap's TotalTimeSeconds replaced."""
    return re.sub(
        rb"<TotalTimeSeconds>[^<]*</TotalTimeSeconds>",
        f"<TotalTimeSeconds>{seconds:.1f}</TotalTimeSeconds>".encode(),
        data,
        count=1,
    )


def test_a_lap_longer_than_its_points_keeps_the_laps_time_and_says_so() -> None:
    track = make_track(START, 5_400, 330, seed=1, interval_s=1)  # points span 1,782 s
    assert track.duration_s == 1782
    (activity,) = tcx.parse(_with_lap_time(tcx_bytes(track), 1800.0), "lap.tcx")
    assert activity.moving_s == activity.duration_s == 1800.0
    assert activity.repairs == ("kept: the lap's 1,800 s; its points cover 1,782 s",)


def test_a_lap_that_starts_before_its_first_point_needs_no_repair() -> None:
    track = make_track(START, 5_400, 330, seed=1, interval_s=1)
    data = tcx_bytes(track, lap_start=START - timedelta(seconds=18))
    (activity,) = tcx.parse(_with_lap_time(data, 1800.0), "early-lap.tcx")
    assert activity.started_at == START - timedelta(seconds=18)
    assert activity.duration_s == 1800.0
    assert activity.repairs == ()


def test_lap_totals_without_full_points_keep_the_laps_totals() -> None:
    # A converted 180 km ride: its lap totals are complete, its trackpoints cover 4 s.
    points = "".join(
        f"<Trackpoint><Time>{(START + timedelta(seconds=s)):%Y-%m-%dT%H:%M:%SZ}</Time>"
        f"<DistanceMeters>{s * 8.0:.1f}</DistanceMeters></Trackpoint>"
        for s in range(5)
    )
    data = (
        '<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
        f'<Activity Sport="Biking"><Id>{START:%Y-%m-%dT%H:%M:%SZ}</Id>'
        f'<Lap StartTime="{START:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>21600.0'
        "</TotalTimeSeconds><DistanceMeters>180000.0</DistanceMeters>"
        f"<Track>{points}</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()
    (activity,) = tcx.parse(data, "converted.tcx")
    assert activity.sport is Sport.RIDE
    assert activity.distance_m == 180_000.0
    assert activity.moving_s == activity.duration_s == 21_600.0
    assert activity.repairs == ("kept: the lap's 21,600 s; its points cover 4 s",)


def test_a_pool_swim_without_positions_keeps_its_laps() -> None:
    swim = make_track(START, 2_000, 1127, seed=3, interval_s=1, sport="swim")  # 2,254 s
    data = _with_lap_time(tcx_bytes(swim, sport="Other", positions=False), 2299.0)
    (activity,) = tcx.parse(data, "pool.tcx")
    assert activity.sport is not Sport.RUN
    assert activity.distance_m == pytest.approx(2_000, abs=1)
    assert activity.duration_s == 2299.0
    assert activity.repairs == ("kept: the lap's 2,299 s; its points cover 2,254 s",)


def test_an_sdk_pool_swim_whose_timer_passes_its_elapsed_time_is_repaired() -> None:
    swim = make_track(START, 2_000, 1127, seed=3, interval_s=5, sport="swim")
    data = sdk_activity(
        swim,
        positions=False,
        sport="swimming",
        sub_sport="lap_swimming",
        session={"total_timer_time": 2299.0, "total_elapsed_time": 2254.0},
    )
    (activity,) = fit.parse(data, "pool.fit")
    assert activity.sport is Sport.SWIM
    # Its records span the 2,254 s elapsed time: they confirm it, so the timer is cut to it.
    assert activity.moving_s == activity.duration_s == 2254.0
    assert activity.repairs == (
        "kept: the elapsed 2,254 s its records cover; the session's timer says 2,299 s",
    )


def test_a_virtual_ride_whose_timer_passes_its_elapsed_time_keeps_the_timer() -> None:
    # The Garmin Edge case: timer 2,760 s, elapsed 1,632 s, no records to say which is right.
    ride = make_track(START, 20_000, 138, seed=4, interval_s=10, sport="ride")
    data = sdk_activity(
        ride,
        sport="cycling",
        sub_sport="virtual_activity",
        drop_records=True,
        session={"total_timer_time": 2760.0, "total_elapsed_time": 1632.0},
    )
    (activity,) = fit.parse(data, "edge.fit")
    assert activity.moving_s == activity.duration_s == 2760.0
    assert activity.repairs == (
        "kept: the timer's 2,760 s; the session's elapsed time says 1,632 s",
    )


def test_our_timer_above_elapsed_file_is_repaired_from_its_records() -> None:
    data = (DATA / "cases" / "timer-above-elapsed.fit").read_bytes()
    (activity,) = parse_activity(data, "timer-above-elapsed.fit")
    assert activity.moving_s == activity.duration_s == 1650.0
    assert activity.repairs == (
        "kept: the elapsed 1,650 s its records cover; the session's timer says 4,950 s",
    )


def _glitched_gpx(moment: str) -> bytes:
    track = make_track(START, 8_000, 330, seed=5, interval_s=5)
    text = gpx_bytes(track).decode()
    second = f"<time>{START + timedelta(seconds=5):%Y-%m-%dT%H:%M:%SZ}</time>"
    assert second in text
    return text.replace(second, f"<time>{moment}</time>", 1).encode()


@pytest.mark.parametrize(
    ("moment", "day"),
    [("1970-01-01T00:00:00Z", "1970-01-01"), ("2099-06-01T12:00:00Z", "2099-06-01")],
)
def test_a_gpx_point_with_a_glitched_clock_is_dropped_and_said(moment: str, day: str) -> None:
    (activity,) = gpx.parse(_glitched_gpx(moment), "glitch.gpx")
    assert activity.started_at == START
    assert activity.duration_s == pytest.approx(8_000 * 0.33, abs=5)
    assert activity.distance_m == pytest.approx(8_000, rel=0.01)
    assert activity.repairs == (
        f"dropped 1 point dated {day}, away from the rest of the recording (2026-03-01): a "
        "glitch of the device clock",
    )


def test_a_tcx_trackpoint_with_a_glitched_clock_is_dropped_and_said() -> None:
    track = make_track(START, 8_000, 330, seed=6, interval_s=5)
    text = tcx_bytes(track).decode()
    last = f"<Time>{START + timedelta(seconds=track.duration_s):%Y-%m-%dT%H:%M:%SZ}</Time>"
    data = text.replace(last, "<Time>2099-01-01T00:00:00Z</Time>", 1).encode()
    (activity,) = tcx.parse(data, "glitch.tcx")
    assert activity.duration_s == pytest.approx(track.duration_s, abs=6)
    assert activity.repairs[0].startswith("dropped 1 trackpoint dated 2099-01-01")


def test_a_fit_record_with_a_glitched_clock_is_dropped_when_records_give_the_totals() -> None:
    # No session: the totals come from the records. A second FIT file chained after the first
    # (the protocol allows it) holds a few records dated 2099.
    track = make_track(START, 8_000, 330, seed=7, interval_s=5)
    clean = fit_bytes([track], with_session=False)
    stray = make_track(datetime(2099, 1, 1, tzinfo=UTC), 50, 330, seed=7, interval_s=5)
    (reference,) = fit.parse(clean, "clean.fit")
    (activity,) = fit.parse(clean + fit_bytes([stray], with_session=False), "glitch.fit")
    assert reference.repairs == ()
    assert activity.duration_s == reference.duration_s == track.duration_s
    assert activity.distance_m == reference.distance_m
    assert activity.repairs == (
        f"dropped {len(stray.seconds)} records dated 2099-01-01, away from the rest of the "
        "recording (2026-03-01): a glitch of the device clock",
    )


def test_a_318_km_ultra_and_its_points_are_kept() -> None:
    ultra = make_track(START, 318_000, 600, seed=8, interval_s=60)  # 53 hours
    (activity,) = gpx.parse(gpx_bytes(ultra), "ultra.gpx")
    assert activity.distance_m == pytest.approx(318_000, rel=0.01)
    assert activity.repairs == ()
