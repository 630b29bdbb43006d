"""GPX and TCX with impossible values and in every encoding a real export uses (issue #15).

Every file is generated here; a bad point is dropped, a file with too few usable points is
rejected with our error, and no exception other than a `LoadwatchError` ever leaves the parser.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import pytest

from loadwatch import synth
from loadwatch.domain import ParsedActivity
from loadwatch.errors import EmptyActivityError, InputError, LoadwatchError
from loadwatch.importers import gpx, parse_activity, sniff, tcx
from loadwatch.importers._totals import ONE_DEGREE_M

GPX_NS = 'xmlns="http://www.topografix.com/GPX/1/1"'
TCX_NS = 'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
TRACK = synth.make_track(datetime(2026, 3, 1, 7, 0, tzinfo=UTC), 2000.0, seed=3)

# Times NumPy reads (or half-reads) but no `datetime` can hold, and plain nonsense.
IMPOSSIBLE_TIMES = [
    "NaTZ",
    "NaT",
    "12345-01-01T00:00:00Z",
    "-0001-01-01T00:00:00Z",
    "2024-13-40T25:61:00Z",
    "0001-01-01T00:00:00+01:00",  # before year 1 once in UTC
    "9999-12-31T23:59:59-01:00",  # after year 9999 once in UTC
    "2026-01-01T10:00:00ZZ",  # NumPy warns and reads a time zone it cannot represent
    "2026-01-01T1000:00Z",
]
IMPOSSIBLE_COORDINATES = [
    ("999", "8.0"),
    ("-90.5", "8.0"),
    ("47.0", "180.5"),
    ("47.0", "-999"),
    ("nan", "8.0"),
    ("47.0", "NaN"),
    ("inf", "8.0"),
    ("47.0", "-inf"),
    ("1e400", "8.0"),
]


def _gpx_point(lat: str, lon: str, time: str, extra: str = "") -> str:
    return f'<trkpt lat="{lat}" lon="{lon}">{extra}<time>{time}</time></trkpt>'


def _good_gpx_points(count: int = 3) -> list[str]:
    return [
        _gpx_point(f"{47.0 + i * 0.001:.3f}", "8.0", f"2026-01-01T10:0{i}:00Z")
        for i in range(count)
    ]


def _gpx(points: list[str]) -> bytes:
    body = "".join(points)
    head = f'<?xml version="1.0"?><gpx version="1.1" {GPX_NS}>'
    return f"{head}<trk><trkseg>{body}</trkseg></trk></gpx>".encode()


def _tcx_point(time: str, *, lat: str = "47.0", lon: str = "8.0", extra: str = "") -> str:
    return (
        f"<Trackpoint><Time>{time}</Time><Position><LatitudeDegrees>{lat}</LatitudeDegrees>"
        f"<LongitudeDegrees>{lon}</LongitudeDegrees></Position>{extra}</Trackpoint>"
    )


def _tcx(points: list[str], *, lap_time: str = "120", lap_distance: str = "222") -> bytes:
    return (
        f'<?xml version="1.0"?><TrainingCenterDatabase {TCX_NS}><Activities>'
        '<Activity Sport="Running"><Id>2026-01-01T10:00:00Z</Id>'
        f'<Lap StartTime="2026-01-01T10:00:00Z"><TotalTimeSeconds>{lap_time}</TotalTimeSeconds>'
        f"<DistanceMeters>{lap_distance}</DistanceMeters><Track>{''.join(points)}</Track></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def _good_tcx_points() -> list[str]:
    return [_tcx_point(f"2026-01-01T10:0{i}:00Z", lat=f"{47.0 + i * 0.001:.3f}") for i in range(3)]


def _assert_finite(activity: ParsedActivity) -> None:
    for name in ParsedActivity.__dataclass_fields__:
        value = getattr(activity, name)
        if isinstance(value, float):
            assert math.isfinite(value), (name, value)
    if activity.start_lat is not None:
        assert -90 <= activity.start_lat <= 90
    if activity.start_lon is not None:
        assert -180 <= activity.start_lon <= 180


# ---------------------------------------------------------------- GPX values


@pytest.mark.parametrize("time", IMPOSSIBLE_TIMES)
def test_gpx_point_with_an_impossible_time_is_dropped(time: str) -> None:
    points = _good_gpx_points()
    points.insert(1, _gpx_point("47.0005", "8.0", time))
    (activity,) = parse_activity(_gpx(points), "t.gpx")
    assert activity.skipped_records == 1
    assert activity.started_at == datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    assert activity.duration_s == 120
    _assert_finite(activity)


@pytest.mark.parametrize("time", IMPOSSIBLE_TIMES)
def test_gpx_with_too_few_usable_times_is_rejected_with_our_error(time: str) -> None:
    points = [_gpx_point("47.0", "8.0", time), *_good_gpx_points(1)]
    with pytest.raises(
        EmptyActivityError, match=re.escape("'t.gpx' has 1 usable timed track point")
    ):
        parse_activity(_gpx(points), "t.gpx")


@pytest.mark.parametrize(("lat", "lon"), IMPOSSIBLE_COORDINATES)
def test_gpx_point_with_an_impossible_position_is_dropped(lat: str, lon: str) -> None:
    points = _good_gpx_points()
    points.insert(0, _gpx_point(lat, lon, "2026-01-01T09:59:30Z"))
    (activity,) = parse_activity(_gpx(points), "p.gpx")
    assert activity.skipped_records == 1
    assert activity.start_lat == 47.0
    assert activity.distance_m == pytest.approx(2 * 0.001 * gpx.geo.ONE_DEGREE, rel=1e-6)
    _assert_finite(activity)


@pytest.mark.parametrize(("lat", "lon"), IMPOSSIBLE_COORDINATES)
def test_gpx_with_only_impossible_positions_is_rejected(lat: str, lon: str) -> None:
    points = [_gpx_point(lat, lon, f"2026-01-01T10:0{i}:00Z") for i in range(3)]
    with pytest.raises(
        EmptyActivityError, match=re.escape("'bad.gpx' has 0 usable timed track point")
    ):
        parse_activity(_gpx(points), "bad.gpx")


@pytest.mark.parametrize(
    "extra",
    [
        "<ele>nan</ele>",
        "<ele>inf</ele>",
        "<ele>-Infinity</ele>",
        "<ele>1e300</ele>",
        '<extensions><hr xmlns="x">nan</hr></extensions>',
        '<extensions><hr xmlns="x">inf</hr></extensions>',
    ],
)
def test_gpx_point_with_a_non_finite_elevation_or_heart_rate_is_dropped(extra: str) -> None:
    points = [
        _gpx_point(f"{47.0 + i * 0.001:.3f}", "8.0", f"2026-01-01T10:0{i}:00Z", "<ele>100</ele>")
        for i in range(3)
    ]
    points.insert(1, _gpx_point("47.0005", "8.0", "2026-01-01T10:00:30Z", extra))
    (activity,) = parse_activity(_gpx(points), "e.gpx")
    assert activity.skipped_records == 1
    assert activity.ascent_m == 0.0
    _assert_finite(activity)


# ---------------------------------------------------------------- TCX values


@pytest.mark.parametrize("time", IMPOSSIBLE_TIMES)
def test_tcx_trackpoint_with_an_impossible_time_is_dropped(time: str) -> None:
    points = _good_tcx_points()
    points.insert(1, _tcx_point(time))
    (activity,) = tcx.parse(_tcx(points), "t.tcx")
    assert activity.skipped_records == 1
    assert activity.duration_s == 120
    _assert_finite(activity)


@pytest.mark.parametrize(("lat", "lon"), IMPOSSIBLE_COORDINATES)
def test_tcx_trackpoint_with_an_impossible_position_never_reaches_the_start(
    lat: str, lon: str
) -> None:
    points = _good_tcx_points()
    points.insert(0, _tcx_point("2026-01-01T10:00:00Z", lat=lat, lon=lon))
    (activity,) = parse_activity(_tcx(points), "p.tcx")
    assert (activity.start_lat, activity.start_lon) == (47.0, 8.0)
    assert activity.skipped_records == 1
    _assert_finite(activity)


@pytest.mark.parametrize(
    "extra",
    [
        "<AltitudeMeters>nan</AltitudeMeters>",
        "<AltitudeMeters>-inf</AltitudeMeters>",
        "<DistanceMeters>inf</DistanceMeters>",
        "<DistanceMeters>-5</DistanceMeters>",
        "<HeartRateBpm><Value>NaN</Value></HeartRateBpm>",
    ],
)
def test_tcx_trackpoint_with_a_non_finite_value_is_dropped(extra: str) -> None:
    points = _good_tcx_points()
    points.insert(1, _tcx_point("2026-01-01T10:00:30Z", extra=extra))
    (activity,) = tcx.parse(_tcx(points, lap_distance="0"), "v.tcx")
    assert activity.skipped_records == 1
    # The laps say 0 m: the distance is the kept points' track (2 x 0.001 degrees of latitude);
    # the dropped point's distance is not used.
    assert activity.distance_m == pytest.approx(2 * 0.001 * ONE_DEGREE_M, rel=1e-6)
    _assert_finite(activity)


def test_tcx_with_too_few_usable_trackpoints_is_rejected() -> None:
    points = [_tcx_point("2026-01-01T10:00:00Z"), _tcx_point("NaTZ", lat="999")]
    with pytest.raises(EmptyActivityError, match=re.escape("'few.tcx' has 1 usable trackpoint")):
        parse_activity(_tcx(points), "few.tcx")


@pytest.mark.parametrize("value", ["NaN", "inf", "-inf", "-60", "1e400", "junk"])
def test_tcx_lap_time_that_is_not_a_number_of_seconds_falls_back_to_the_trackpoints(
    value: str,
) -> None:
    (activity,) = tcx.parse(_tcx(_good_tcx_points(), lap_time=value, lap_distance=value), "l.tcx")
    assert activity.moving_s == activity.duration_s == 120
    _assert_finite(activity)


# ---------------------------------------------------------------- encodings and sniffing

GPX_DOC = synth.gpx_bytes(TRACK).decode()
TCX_DOC = synth.tcx_bytes(TRACK).decode()


def _variants(doc: str) -> dict[str, bytes]:
    wide = doc.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return {
        "utf-8": doc.encode(),
        "utf-8 with BOM": b"\xef\xbb\xbf" + doc.encode(),
        "leading whitespace": b"\r\n  \t" + doc.encode(),
        "BOM then whitespace": b"\xef\xbb\xbf\n " + doc.encode(),
        "utf-16 (BOM, native)": wide.encode("utf-16"),
        "utf-16-le with BOM": b"\xff\xfe" + wide.encode("utf-16-le"),
        "utf-16-be with BOM": b"\xfe\xff" + wide.encode("utf-16-be"),
        "utf-16-le without BOM": wide.encode("utf-16-le"),
        "utf-16-be without BOM": wide.encode("utf-16-be"),
        "utf-16-le, whitespace first": ("\n  " + wide).encode("utf-16-le"),
        "utf-16 without declaration": doc.split("?>", 1)[1].encode("utf-16-le"),
        "utf-32 with BOM": wide.replace("UTF-16", "UTF-32").encode("utf-32"),
    }


@pytest.mark.parametrize(("kind", "doc"), [("gpx", GPX_DOC), ("tcx", TCX_DOC)])
def test_every_unicode_encoding_is_sniffed_and_parsed(kind: str, doc: str) -> None:
    expected = parse_activity(doc.encode(), f"x.{kind}")
    for label, data in _variants(doc).items():
        assert sniff(data) == kind, label
        assert parse_activity(data, f"x.{kind}") == expected, label


@pytest.mark.parametrize(("kind", "doc"), [("gpx", GPX_DOC), ("tcx", TCX_DOC)])
@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252"])
def test_the_encoding_the_declaration_names_is_used(kind: str, doc: str, encoding: str) -> None:
    doc = doc.replace('encoding="UTF-8"', f'encoding="{encoding}"')
    doc = doc.replace("loadwatch synth", "Gärmin Fénix")
    (activity, *_) = parse_activity(doc.encode(encoding), f"latin.{kind}")
    assert activity.device == "Gärmin Fénix"


def test_an_unknown_declared_encoding_is_rejected_with_our_error() -> None:
    data = GPX_DOC.replace('encoding="UTF-8"', 'encoding="x-klingon"').encode()
    with pytest.raises(
        InputError, match=re.escape("'k.gpx' declares the text encoding 'x-klingon'")
    ):
        parse_activity(data, "k.gpx")


def test_bytes_invalid_in_the_declared_encoding_are_rejected_with_our_error() -> None:
    data = GPX_DOC.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")
    with pytest.raises(InputError, match=re.escape("'odd.gpx' is not valid utf-16-le text")):
        parse_activity(data[:-1] + b"\x00\xd8", "odd.gpx")  # a lone surrogate at the end


@pytest.mark.parametrize(
    "prolog",
    [
        "<!--" + "a long export comment " * 1000 + "-->",  # ~22 KB before <gpx
        "<?xml-stylesheet href='x.xsl'?>" * 500,
        "<!DOCTYPE gpx>" + "\n" * 10_000,
    ],
)
def test_root_beyond_the_first_4_kb_is_still_recognised(prolog: str) -> None:
    head, body = GPX_DOC.split("?>", 1)
    data = (head + "?>" + prolog + body).encode()
    assert data.find(b"<gpx") > 4096
    assert sniff(data) == "gpx"
    assert sniff(data.decode().encode("utf-16")) == "gpx"
    (activity,) = parse_activity(data, "long.gpx")
    assert activity.distance_m == pytest.approx(TRACK.total_distance_m, rel=1e-3)


def test_a_big_metadata_block_does_not_hide_the_track() -> None:
    metadata = "<metadata><desc>" + "x" * 200_000 + "</desc></metadata>"
    data = GPX_DOC.replace("<metadata>", metadata + "<metadata>", 1).encode()
    assert sniff(data) == "gpx"
    assert parse_activity(data, "meta.gpx")[0].distance_m > 0


def test_other_xml_is_still_neither_format() -> None:
    assert sniff(b'<?xml version="1.0"?><!-- gpx --><kml><gpx/></kml>') is None
    assert sniff("<html><body>&lt;gpx</body></html>".encode("utf-16")) is None


ENTITY_BOMB = (
    '<?xml version="1.0" encoding="{enc}"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    f'<gpx version="1.1" {GPX_NS}><trk><name>&b;</name><trkseg>'
    '<trkpt lat="47.0" lon="8.0"><time>2026-01-01T10:00:00Z</time></trkpt>'
    '<trkpt lat="47.1" lon="8.0"><time>2026-01-01T10:01:00Z</time></trkpt>'
    "</trkseg></trk></gpx>"
)


@pytest.mark.parametrize(
    ("declared", "codec"),
    [
        ("UTF-8", "utf-8"),
        ("UTF-8", "utf-8-sig"),
        ("UTF-16", "utf-16"),
        ("UTF-16", "utf-16-le"),
        ("UTF-16", "utf-16-be"),
        ("ISO-8859-1", "latin-1"),
        ("UTF-32", "utf-32"),
    ],
)
def test_entity_declarations_are_refused_in_every_encoding(declared: str, codec: str) -> None:
    data = (b"\n " if codec == "latin-1" else b"") + ENTITY_BOMB.replace("{enc}", declared).encode(
        codec
    )
    with pytest.raises(InputError, match="declares XML entities"):
        parse_activity(data, "bomb.gpx")


# ---------------------------------------------------------------- empty files


@pytest.mark.parametrize(
    "data",
    [
        b" ",
        b"\n\r\n\t  ",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbf \n",
        b"\xff\xfe \x00\n\x00",
        b"\x00" * 64,
    ],
)
def test_a_file_of_only_whitespace_or_a_bom_is_empty(data: bytes) -> None:
    with pytest.raises(EmptyActivityError, match=re.escape("'blank.gpx' is empty")):
        parse_activity(data, "blank.gpx")


def test_no_generated_hostile_value_escapes_as_anything_but_our_error() -> None:
    """Every impossible value in every slot of a GPX and a TCX point: our error or a clean parse."""
    values = [*IMPOSSIBLE_TIMES, "nan", "inf", "-inf", "1e400", "", " ", "x", "-1", "1e9999"]
    for value in values:
        documents = [
            _gpx([*_good_gpx_points(2), _gpx_point(value, value, value, f"<ele>{value}</ele>")]),
            _gpx([_gpx_point("47.0", "8.0", value), _gpx_point("47.1", "8.1", value)]),
            _tcx([*_good_tcx_points(), _tcx_point(value, lat=value, lon=value)], lap_time=value),
            _tcx([_tcx_point(value), _tcx_point(value)], lap_time=value, lap_distance=value),
        ]
        for data in documents:
            try:
                activities = parse_activity(data, "v.xml")
            except LoadwatchError as exc:
                assert "'v.xml'" in str(exc)
                continue
            for activity in activities:
                _assert_finite(activity)
