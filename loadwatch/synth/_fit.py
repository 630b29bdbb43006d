"""A minimal encoder of the FIT protocol (definition + data messages, file CRC) covering the
messages loadwatch reads; every file it writes is read back by fitparse in the tests."""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from loadwatch.importers.fit import fit_crc
from loadwatch.synth._track import Track

_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
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


def _write_track(writer: FitWriter, track: Track, *, with_records: bool) -> None:
    """One track's start and stop events, its records (when asked) and one lap."""
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
        _write_track(writer, track, with_records=with_records)
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
