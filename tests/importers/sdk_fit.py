"""FIT files written by Garmin's own FIT SDK encoder (`garmin-fit-sdk`, a dev dependency): what
a watch writes, not what our generator writes (issue #26)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from loadwatch.synth import Track, make_track

START = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
_SEMICIRCLES_PER_DEGREE = 2**31 / 180.0
_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)


def _semicircles(degrees: float) -> int:
    return round(degrees * _SEMICIRCLES_PER_DEGREE)


def sdk_activity(
    track: Track,
    *,
    start_position: bool = True,
    gps_after_s: float = 0.0,
    session: Mapping[str, Any] | None = None,
    sport: str = "running",
    sub_sport: str = "generic",
    positions: bool = True,
    manufacturer: str = "garmin",
    product: int = 3113,
    drop_records: bool = False,
) -> bytes:
    """A one-session activity as a Forerunner writes it: file_id, device_info, timer events, a
    record per sample (time, position after `gps_after_s`, distance, altitude, heart rate,
    cadence), lap, session (`session` overrides its fields) and activity."""
    from garmin_fit_sdk import Encoder, Profile

    numbers = Profile["mesg_num"]
    start = track.started_at
    end = start + timedelta(seconds=track.duration_s)
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": numbers["FILE_ID"],
            "type": "activity",
            "manufacturer": manufacturer,
            "product": product,
            "serial_number": 3_000_001,
            "time_created": start,
        }
    )
    encoder.write_mesg(
        {"mesg_num": numbers["EVENT"], "timestamp": start, "event": "timer", "event_type": "start"}
    )
    if not drop_records:
        for i, second in enumerate(track.seconds.tolist()):
            record: dict[str, Any] = {
                "mesg_num": numbers["RECORD"],
                "timestamp": start + timedelta(seconds=second),
                "distance": float(track.distance_m[i]),
                "enhanced_altitude": float(track.elevation_m[i]),
                "heart_rate": int(track.heart_rate_bpm[i]),
                "cadence": int(track.cadence_spm[i]) // 2,
            }
            if positions and second >= gps_after_s:
                record["position_lat"] = _semicircles(float(track.lat[i]))
                record["position_long"] = _semicircles(float(track.lon[i]))
            encoder.write_mesg(record)
    encoder.write_mesg(
        {"mesg_num": numbers["EVENT"], "timestamp": end, "event": "timer", "event_type": "stop_all"}
    )
    totals: dict[str, Any] = {
        "timestamp": end,
        "start_time": start,
        "total_elapsed_time": track.duration_s,
        "total_timer_time": track.duration_s,
        "total_distance": track.total_distance_m,
        "sport": sport,
        "sub_sport": sub_sport,
    }
    encoder.write_mesg({"mesg_num": numbers["LAP"], **totals})
    summary = {
        "mesg_num": numbers["SESSION"],
        **totals,
        "avg_heart_rate": int(track.heart_rate_bpm.mean()),
        "avg_cadence": int(track.cadence_spm.mean()) // 2,
    }
    if start_position and positions:
        summary["start_position_lat"] = _semicircles(float(track.lat[0]))
        summary["start_position_long"] = _semicircles(float(track.lon[0]))
    summary.update(session or {})
    encoder.write_mesg({k: v for k, v in summary.items() if v is not None})
    encoder.write_mesg(
        {
            "mesg_num": numbers["ACTIVITY"],
            "timestamp": end,
            "total_timer_time": track.duration_s,
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
            "local_timestamp": round((end - _FIT_EPOCH).total_seconds()) + 3600,
        }
    )
    return bytes(encoder.close())


def sdk_run(seed: int = 1, distance_m: float = 5_000, **options: Any) -> tuple[bytes, Track]:
    """A run of `distance_m` at 5:30/km, one record a second, and its track."""
    track = make_track(START, distance_m, 330, seed=seed, interval_s=1)
    return sdk_activity(track, **options), track
