"""Property (issue #15): any GPX or TCX built from random values is imported with finite,
consistent totals, or rejected with our own error; never another exception, never absurd values.

The files go through the import path's parse, sanitize and plausibility steps
(services.parse_pool, services.plausible), which is everything between the bytes and the database.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadwatch.errors import LoadwatchError
from loadwatch.importers import parse_activity
from loadwatch.services.plausible import HEART_RATE_BPM, check_plausible, sanitize

TODAY = date(2026, 11, 21)
START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-200, max_value=200),
    st.sampled_from(["NaN", "inf", "-inf", "1e309", "", "abc", "12,5"]),
)
times = st.one_of(
    st.integers(min_value=-10_000, max_value=400_000).map(
        lambda s: (START + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ),
    st.sampled_from(
        ["NaTZ", "12345-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2024-13-40T25:61Z"]
    ),
)
points = st.lists(
    st.tuples(
        st.floats(min_value=-95, max_value=95),  # some out of range
        st.floats(min_value=-185, max_value=185),
        numbers,
        times,
        numbers,
    ),
    min_size=0,
    max_size=25,
)


def _gpx(rows: list[tuple[float, float, object, str, object]]) -> bytes:
    body = "".join(
        f'<trkpt lat="{lat}" lon="{lon}"><ele>{ele}</ele><time>{time}</time>'
        f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr>"
        "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        for lat, lon, ele, time, hr in rows
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><type>running</type><trkseg>{body}</trkseg></trk></gpx>"
    ).encode()


def _tcx(rows: list[tuple[float, float, object, str, object]], lap_time: object) -> bytes:
    body = "".join(
        f"<Trackpoint><Time>{time}</Time><Position><LatitudeDegrees>{lat}</LatitudeDegrees>"
        f"<LongitudeDegrees>{lon}</LongitudeDegrees></Position>"
        f"<AltitudeMeters>{ele}</AltitudeMeters><DistanceMeters>{i * 10}</DistanceMeters>"
        f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm></Trackpoint>"
        for i, (lat, lon, ele, time, hr) in enumerate(rows)
    )
    first = rows[0][3] if rows else "2026-03-01T07:00:00Z"
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="Running"><Id>{first}</Id><Lap StartTime="{first}">'
        f"<TotalTimeSeconds>{lap_time}</TotalTimeSeconds><DistanceMeters>{len(rows) * 10}"
        f"</DistanceMeters><Track>{body}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()


def _check(data: bytes, name: str) -> None:
    try:
        activities = [sanitize(p) for p in parse_activity(data, name)]
        for activity in activities:
            check_plausible(activity, name, TODAY)
    except LoadwatchError as exc:
        assert name in str(exc)  # our error names the file
        return
    for a in activities:
        for value in (a.distance_m, a.duration_s, a.moving_s):
            assert math.isfinite(value) and value >= 0
        assert a.moving_s <= a.duration_s + 1
        assert a.distance_m == 0 or a.duration_s > 0
        assert a.avg_hr_bpm is None or HEART_RATE_BPM[0] <= a.avg_hr_bpm <= HEART_RATE_BPM[1]
        for optional in (a.ascent_m, a.descent_m, a.avg_cadence_spm):
            assert optional is None or (math.isfinite(optional) and optional >= 0)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(rows=points)
def test_any_gpx_is_imported_consistent_or_rejected_with_our_error(rows: list) -> None:
    _check(_gpx(rows), "random.gpx")


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(rows=points, lap_time=numbers)
def test_any_tcx_is_imported_consistent_or_rejected_with_our_error(
    rows: list, lap_time: object
) -> None:
    _check(_tcx(rows, lap_time), "random.tcx")


def test_a_tcx_whose_lap_time_is_nan_is_never_called_imported_before() -> None:
    rows = [
        (47.0, 8.0, 400, (START + timedelta(seconds=10 * i)).isoformat(), 150) for i in range(30)
    ]
    data = _tcx([(lat, lon, e, t.replace("+00:00", "Z"), hr) for lat, lon, e, t, hr in rows], "NaN")
    _check(data, "nan-lap.tcx")  # either consistent totals or our error, nothing else


def _walk(steps: list[tuple[int, float, float, object, object]]) -> list:
    """A plausible track: increasing times, small moves, with the drawn values mixed in."""
    rows, second, lat, lon = [], 0, 47.0, 8.0
    for gap, d_lat, d_lon, ele, hr in steps:
        second += gap
        lat, lon = lat + d_lat, lon + d_lon
        stamp = (START + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append((lat, lon, ele, stamp, hr))
    return rows


walks = st.lists(
    st.tuples(
        st.integers(min_value=-5, max_value=600),  # some go back in time, some pause
        st.floats(min_value=-0.01, max_value=0.01),
        st.floats(min_value=-0.01, max_value=0.01),
        st.one_of(st.floats(min_value=-50, max_value=3000), numbers),
        st.one_of(st.integers(min_value=0, max_value=300), numbers),
    ),
    min_size=2,
    max_size=40,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(steps=walks)
def test_any_plausible_looking_gpx_or_tcx_is_consistent_or_rejected(steps: list) -> None:
    rows = _walk(steps)
    _check(_gpx(rows), "walk.gpx")
    _check(_tcx(rows, "1800"), "walk.tcx")
