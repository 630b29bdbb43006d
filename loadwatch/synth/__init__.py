"""Seeded synthetic activity files (FIT, GPX, TCX) for demo data, test data and benchmarks.

The FIT writer is a minimal encoder of the FIT protocol (definition + data messages, file CRC)
covering the messages loadwatch reads; every file it writes is read back by fitparse in the tests.
Tracks are a loop around a start point at a steady pace with gentle noise, so distance, duration
and elevation are known in advance.
"""

from __future__ import annotations

import io
import itertools
import math
import random
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import numpy as np

from loadwatch.importers.fit import fit_crc

_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_ONE_DEGREE_M = (2 * math.pi * 6378137.0) / 360  # gpxpy's constant, so GPX distances agree
_SPORT_CODES = {
    "generic": 0,
    "run": 1,
    "ride": 2,
    "transition": 3,
    "fitness_equipment": 4,
    "swim": 5,
    "training": 10,
    "walk": 11,
    "hike": 17,
}
_SUB_SPORT_CODES = {
    None: 0,
    "treadmill": 1,
    "street": 2,
    "trail": 3,
    "track": 4,
    "indoor_cycling": 6,
    "lap_swimming": 17,
    "strength_training": 20,
    "virtual_activity": 58,
}


@dataclass(frozen=True, slots=True)
class Track:
    """One recorded activity: per-second samples and its known totals (SI units, UTC)."""

    started_at: datetime
    seconds: np.ndarray  # elapsed seconds from the start
    lat: np.ndarray
    lon: np.ndarray
    elevation_m: np.ndarray
    heart_rate_bpm: np.ndarray
    cadence_spm: np.ndarray
    distance_m: np.ndarray  # cumulative
    sport: str = "run"

    @property
    def total_distance_m(self) -> float:
        return float(self.distance_m[-1])

    @property
    def duration_s(self) -> float:
        return float(self.seconds[-1])


def make_track(
    started_at: datetime,
    distance_m: float,
    pace_s_per_km: float = 330.0,
    *,
    seed: int = 0,
    lat0: float = 47.3769,
    lon0: float = 8.5417,
    interval_s: int = 1,
    sport: str = "run",
    hilliness_m: float = 15.0,
) -> Track:
    """A steady loop of `distance_m` at `pace_s_per_km`, sampled every `interval_s` seconds."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not cryptography
    duration_s = max(round(distance_m / 1000.0 * pace_s_per_km), interval_s * 2)
    seconds = np.arange(0, duration_s + 1, interval_s, dtype=float)
    speed = distance_m / duration_s
    cumulative = seconds * speed
    radius_m = max(distance_m / (2 * math.pi), 50.0)
    angle = cumulative / radius_m
    phase = rng.uniform(0, 2 * math.pi)
    north = radius_m * (np.sin(angle + phase) - math.sin(phase))
    east = radius_m * (np.cos(angle + phase) - math.cos(phase))
    lat = lat0 + north / _ONE_DEGREE_M
    lon = lon0 + east / (_ONE_DEGREE_M * math.cos(math.radians(lat0)))
    elevation = 400.0 + hilliness_m * np.sin(angle * 3 + phase)
    heart = 140 + 10 * np.tanh(seconds / 600.0) + np.array([rng.uniform(-2, 2) for _ in seconds])
    cadence = np.full(seconds.shape, 164.0 + rng.uniform(-6, 6))
    # The cumulative distance the device reports is the length of the polyline actually drawn.
    d_lat = np.diff(lat)
    d_lon = np.diff(lon) * np.cos(np.radians(lat[1:]))
    steps = np.sqrt(d_lat**2 + d_lon**2) * _ONE_DEGREE_M
    measured = np.concatenate([[0.0], np.cumsum(steps)])
    return Track(started_at, seconds, lat, lon, elevation, heart, cadence, measured, sport)


# ---------------------------------------------------------------- FIT


def _fit_time(moment: datetime) -> int:
    return int((moment - _FIT_EPOCH).total_seconds())


def _semicircles(degrees: float) -> int:
    return round(degrees * (2**31) / 180.0)


# (field number, struct format, FIT base type)
_FIELDS: dict[str, tuple[int, int, tuple[tuple[str, int, str, int], ...]]] = {
    "file_id": (
        0,
        0,
        (
            ("type", 0, "B", 0x00),
            ("manufacturer", 1, "H", 0x84),
            ("product", 2, "H", 0x84),
            ("serial_number", 3, "I", 0x8C),
            ("time_created", 4, "I", 0x86),
        ),
    ),
    "event": (
        1,
        21,
        (("timestamp", 253, "I", 0x86), ("event", 0, "B", 0x00), ("event_type", 1, "B", 0x00)),
    ),
    "record": (
        2,
        20,
        (
            ("timestamp", 253, "I", 0x86),
            ("position_lat", 0, "i", 0x85),
            ("position_long", 1, "i", 0x85),
            ("altitude", 2, "H", 0x84),
            ("heart_rate", 3, "B", 0x02),
            ("cadence", 4, "B", 0x02),
            ("distance", 5, "I", 0x86),
            ("speed", 6, "H", 0x84),
        ),
    ),
    "lap": (
        3,
        19,
        (
            ("timestamp", 253, "I", 0x86),
            ("start_time", 2, "I", 0x86),
            ("total_elapsed_time", 7, "I", 0x86),
            ("total_timer_time", 8, "I", 0x86),
            ("total_distance", 9, "I", 0x86),
        ),
    ),
    "session": (
        4,
        18,
        (
            ("timestamp", 253, "I", 0x86),
            ("start_time", 2, "I", 0x86),
            ("start_position_lat", 3, "i", 0x85),
            ("start_position_long", 4, "i", 0x85),
            ("sport", 5, "B", 0x00),
            ("sub_sport", 6, "B", 0x00),
            ("total_elapsed_time", 7, "I", 0x86),
            ("total_timer_time", 8, "I", 0x86),
            ("total_distance", 9, "I", 0x86),
            ("avg_heart_rate", 16, "B", 0x02),
            ("avg_cadence", 18, "B", 0x02),
            ("total_ascent", 22, "H", 0x84),
            ("total_descent", 23, "H", 0x84),
            ("workout_rpe", 193, "B", 0x02),
        ),
    ),
    "device_info": (
        6,
        23,
        (
            ("timestamp", 253, "I", 0x86),
            ("device_index", 0, "B", 0x02),
            ("device_type", 1, "B", 0x02),
            ("manufacturer", 2, "H", 0x84),
        ),
    ),
    "activity": (
        5,
        34,
        (
            ("timestamp", 253, "I", 0x86),
            ("total_timer_time", 0, "I", 0x86),
            ("num_sessions", 1, "H", 0x84),
            ("type", 2, "B", 0x00),
            ("event", 3, "B", 0x00),
            ("event_type", 4, "B", 0x00),
            ("local_timestamp", 5, "I", 0x86),
        ),
    ),
}


class FitWriter:
    """Writes FIT messages into one file body; `finish()` adds the header and CRC."""

    def __init__(self) -> None:
        self._body = io.BytesIO()
        self._defined: set[str] = set()
        self._structs: dict[str, struct.Struct] = {}

    def write(self, message: str, **values: int | None) -> None:
        """One data message (its definition first, once); absent or None fields are invalid."""
        local, global_num, fields = _FIELDS[message]
        if message not in self._defined:
            self._body.write(struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields)))
            for _, number, fmt, base in fields:
                self._body.write(struct.pack("<BBB", number, struct.calcsize(fmt), base))
            self._defined.add(message)
            self._structs[message] = struct.Struct("<B" + "".join(f[2] for f in fields))
        invalid = {"B": 0xFF, "H": 0xFFFF, "I": 0xFFFFFFFF, "i": 0x7FFFFFFF}
        row = [
            invalid[fmt] if values.get(name) is None else values[name] for name, _, fmt, _ in fields
        ]
        self._body.write(self._structs[message].pack(local, *row))

    def finish(self) -> bytes:
        body = self._body.getvalue()
        header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
        header += struct.pack("<H", fit_crc(header))
        content = header + body
        return content + struct.pack("<H", fit_crc(content))


def _write_track_records(writer: FitWriter, track: Track) -> None:
    start = _fit_time(track.started_at)
    speed = np.gradient(track.distance_m, track.seconds) if len(track.seconds) > 1 else [0.0]
    for i in range(len(track.seconds)):
        writer.write(
            "record",
            timestamp=start + int(track.seconds[i]),
            position_lat=_semicircles(float(track.lat[i])),
            position_long=_semicircles(float(track.lon[i])),
            altitude=round((float(track.elevation_m[i]) + 500) * 5),
            heart_rate=int(track.heart_rate_bpm[i]),
            cadence=int(track.cadence_spm[i] / 2),
            distance=round(float(track.distance_m[i]) * 100),
            speed=round(float(speed[i]) * 1000),
        )


def _session_values(track: Track, sub_sport: str | None) -> dict[str, int | None]:
    start = _fit_time(track.started_at)
    climbs = np.diff(track.elevation_m)
    return {
        "timestamp": start + int(track.duration_s),
        "start_time": start,
        "start_position_lat": _semicircles(float(track.lat[0])),
        "start_position_long": _semicircles(float(track.lon[0])),
        "sport": _SPORT_CODES[track.sport],
        "sub_sport": _SUB_SPORT_CODES[sub_sport],
        "total_elapsed_time": int(track.duration_s * 1000),
        "total_timer_time": int(track.duration_s * 1000),
        "total_distance": round(track.total_distance_m * 100),
        "avg_heart_rate": round(float(np.mean(track.heart_rate_bpm))),
        "avg_cadence": int(float(np.mean(track.cadence_spm)) / 2),
        "total_ascent": round(float(climbs[climbs > 0].sum())),
        "total_descent": round(float(-climbs[climbs < 0].sum())),
    }


def fit_bytes(
    tracks: Sequence[Track],
    *,
    utc_offset_s: int = 0,
    with_session: bool = True,
    with_records: bool = True,
    sub_sport: str | None = None,
    serial: int = 1,
    manufacturer: int = 255,
    product: int = 1,
    session: dict[str, int | None] | None = None,
    device_types: Sequence[int] = (),
) -> bytes:
    """A FIT activity: one session per track (a multisport file when several).

    `session` overrides session fields of every session (None writes the field as invalid,
    e.g. `start_position_lat=None`); `device_types` adds one ANT+ device_info message per
    sensor type (11 bike power, 121 speed/cadence, 120 heart rate, ...). `manufacturer` 255
    is the FIT profile's "development"; 1 is Garmin, 260 Zwift.
    """
    writer = FitWriter()
    first = _fit_time(tracks[0].started_at)
    writer.write(
        "file_id",
        type=4,
        manufacturer=manufacturer,
        product=product,
        serial_number=serial,
        time_created=first,
    )
    for index, device_type in enumerate(device_types, start=1):
        writer.write("device_info", timestamp=first, device_index=index, device_type=device_type)
    for track in tracks:
        writer.write("event", timestamp=_fit_time(track.started_at), event=0, event_type=0)
        if with_records:
            _write_track_records(writer, track)
        end = _fit_time(track.started_at) + int(track.duration_s)
        writer.write("event", timestamp=end, event=0, event_type=4)
        writer.write(
            "lap",
            timestamp=end,
            start_time=_fit_time(track.started_at),
            total_elapsed_time=int(track.duration_s * 1000),
            total_timer_time=int(track.duration_s * 1000),
            total_distance=round(track.total_distance_m * 100),
        )
        if with_session:
            writer.write("session", **(_session_values(track, sub_sport) | (session or {})))
    end = _fit_time(tracks[-1].started_at) + int(tracks[-1].duration_s)
    if with_session:
        writer.write(
            "activity",
            timestamp=end,
            total_timer_time=int(sum(t.duration_s for t in tracks) * 1000),
            num_sessions=len(tracks),
            type=0,
            event=26,
            event_type=1,
            local_timestamp=end + utc_offset_s,
        )
    return writer.finish()


# ---------------------------------------------------------------- GPX and TCX


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gpx_bytes(
    track: Track | Sequence[Track],
    *,
    activity_type: str | None = "running",
    name: str = "Run",
    creator: str = "loadwatch synth",
) -> bytes:
    """A GPX 1.1 file, one <trk> per track, with elevation, time and Garmin heart rate."""
    tracks = [track] if isinstance(track, Track) else list(track)
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<gpx version="1.1" creator="{escape(creator)}" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"<metadata><time>{_iso(tracks[0].started_at)}</time></metadata>\n"
    )
    for one in tracks:
        out.write(f"<trk><name>{escape(name)}</name>")
        if activity_type:
            out.write(f"<type>{escape(activity_type)}</type>")
        out.write("\n<trkseg>\n")
        for i in range(len(one.seconds)):
            moment = one.started_at + timedelta(seconds=float(one.seconds[i]))
            out.write(
                f'<trkpt lat="{one.lat[i]:.7f}" lon="{one.lon[i]:.7f}">'
                f"<ele>{one.elevation_m[i]:.1f}</ele>"
                f"<time>{_iso(moment)}</time><extensions><gpxtpx:TrackPointExtension>"
                f"<gpxtpx:hr>{int(one.heart_rate_bpm[i])}</gpxtpx:hr>"
                "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
            )
        out.write("</trkseg>\n</trk>\n")
    out.write("</gpx>\n")
    return out.getvalue().encode()


_TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def _tcx_trackpoints(track: Track, indices: range, *, positions: bool) -> str:
    out = io.StringIO()
    for i in indices:
        moment = track.started_at + timedelta(seconds=float(track.seconds[i]))
        position = (
            f"<Position><LatitudeDegrees>{track.lat[i]:.7f}</LatitudeDegrees>"
            f"<LongitudeDegrees>{track.lon[i]:.7f}</LongitudeDegrees></Position>"
            if positions
            else ""
        )
        altitude = (
            f"<AltitudeMeters>{track.elevation_m[i]:.1f}</AltitudeMeters>" if positions else ""
        )
        out.write(
            f"<Trackpoint><Time>{_iso(moment)}</Time>{position}{altitude}"
            f"<DistanceMeters>{track.distance_m[i]:.2f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{int(track.heart_rate_bpm[i])}</Value></HeartRateBpm></Trackpoint>\n"
        )
    return out.getvalue()


def _tcx_activity(
    track: Track,
    *,
    sport: str | None,
    positions: bool = True,
    lap_m: float | None = None,
    lap_start: datetime | None = None,
) -> str:
    """One <Activity>: a single lap, or laps of exactly `lap_m` metres (pool lengths)."""
    name = sport or {"run": "Running", "ride": "Biking"}.get(track.sport, "Other")
    out = io.StringIO()
    out.write(f'<Activity Sport="{name}"><Id>{_iso(track.started_at)}</Id>\n')
    n = len(track.seconds)
    if lap_m is None:
        laps = [(range(n), track.duration_s, track.total_distance_m)]
    else:
        count = max(round(track.total_distance_m / lap_m), 1)
        bounds = [round(k * (n - 1) / count) for k in range(count + 1)]
        laps = [
            (
                range(bounds[k], bounds[k + 1] + (1 if k == count - 1 else 0)),
                float(track.seconds[bounds[k + 1]] - track.seconds[bounds[k]]),
                lap_m,
            )
            for k in range(count)
        ]
    for k, (indices, seconds, metres) in enumerate(laps):
        start = track.started_at + timedelta(seconds=float(track.seconds[indices[0]]))
        if k == 0 and lap_start is not None:
            start = lap_start
        out.write(
            f'<Lap StartTime="{_iso(start)}">'
            f"<TotalTimeSeconds>{seconds:.1f}</TotalTimeSeconds>"
            f"<DistanceMeters>{metres:.2f}</DistanceMeters>"
            f"<AverageHeartRateBpm><Value>{int(np.mean(track.heart_rate_bpm))}</Value>"
            "</AverageHeartRateBpm><Intensity>Active</Intensity>"
            "<TriggerMethod>Manual</TriggerMethod><Track>\n"
            f"{_tcx_trackpoints(track, indices, positions=positions)}</Track></Lap>\n"
        )
    out.write("<Creator><Name>loadwatch synth</Name></Creator></Activity>")
    return out.getvalue()


def tcx_bytes(
    track: Track,
    *,
    sport: str | None = None,
    positions: bool = True,
    lap_m: float | None = None,
    lap_start: datetime | None = None,
) -> bytes:
    """A TCX activity with per-sample trackpoints.

    `sport` overrides the Sport attribute (default from the track: Running, Biking, Other);
    `positions=False` writes no position or altitude (a pool or a treadmill); `lap_m` splits
    into laps of exactly that many metres; `lap_start` sets the first lap's StartTime (another
    clock than the trackpoints').
    """
    body = _tcx_activity(track, sport=sport, positions=positions, lap_m=lap_m, lap_start=lap_start)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{_TCX_NS}">\n<Activities>{body}</Activities>\n'
        "</TrainingCenterDatabase>\n"
    ).encode()


def tcx_multisport_bytes(legs: Sequence[Track]) -> bytes:
    """A TCX <MultiSportSession>: FirstSport, then a Transition and an Activity per next leg."""
    out = io.StringIO()
    out.write(f"<MultiSportSession><Id>{_iso(legs[0].started_at)}</Id>\n")
    out.write(f"<FirstSport>{_tcx_activity(legs[0], sport=None)}</FirstSport>\n")
    for previous, leg in itertools.pairwise(legs):
        gap_start = previous.started_at + timedelta(seconds=previous.duration_s)
        gap_s = (leg.started_at - gap_start).total_seconds()
        out.write(
            f'<NextSport><Transition StartTime="{_iso(gap_start)}">'
            f"<TotalTimeSeconds>{gap_s:.1f}</TotalTimeSeconds><DistanceMeters>0</DistanceMeters>"
            "<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod></Transition>"
            f"{_tcx_activity(leg, sport=None)}</NextSport>\n"
        )
    out.write("</MultiSportSession>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{_TCX_NS}">\n<Activities>{out.getvalue()}'
        "</Activities>\n</TrainingCenterDatabase>\n"
    ).encode()


def tcx_course_bytes(track: Track, name: str = "Planned loop") -> bytes:
    """A TCX <Courses> file: a planned route (what Garmin Connect exports for a course)."""
    points = _tcx_trackpoints(track, range(len(track.seconds)), positions=True)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{_TCX_NS}">\n<Courses><Course><Name>{escape(name)}'
        f"</Name><Lap><TotalTimeSeconds>{track.duration_s:.1f}</TotalTimeSeconds>"
        f"<DistanceMeters>{track.total_distance_m:.2f}</DistanceMeters>"
        "<Intensity>Active</Intensity></Lap>"
        f"<Track>\n{points}</Track></Course></Courses>\n</TrainingCenterDatabase>\n"
    ).encode()
