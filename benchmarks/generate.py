"""Seeded generator of realistic archives for the benchmarks (written to benchmarks/out/).

    uv run python benchmarks/generate.py --runs 2000

Writes `fit-archive.zip` (N one-hour FIT runs recorded every second, ~3,600 records each, in a
Garmin-like nested layout), `sdk-fit-archive.zip` (one-hour runs at 1 s written by Garmin's own
FIT SDK encoder, `garmin-fit-sdk`, ~97 KB each: what a watch writes, not what our encoder
writes), `gpx/` (one-hour GPX files at 1 s) and `strava-export.zip` (activities.csv +
activities/*.fit.gz and *.gpx, mixed).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loadwatch.synth import fit_bytes, gpx_bytes, make_track

OUT = Path(__file__).resolve().parent / "out"
START = datetime(2020, 1, 1, 6, 0, tzinfo=UTC)


def _track(index: int):
    started = START + timedelta(days=index // 2, hours=12 * (index % 2))
    distance_m = 10_000 + (index % 7) * 500
    return make_track(started, distance_m, 3600 / (distance_m / 1000), seed=index, interval_s=1)


def _member(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, so the same seed gives the same archive bytes."""
    member = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    member.compress_type = zipfile.ZIP_DEFLATED  # a hand-made ZipInfo would be stored uncompressed
    return member


def one_fit(index: int) -> bytes:
    return fit_bytes([_track(index)], utc_offset_s=3600, serial=index + 1)


def one_gpx(index: int) -> bytes:
    return gpx_bytes(_track(index))


_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_SEMICIRCLES_PER_DEGREE = 2**31 / 180.0


def one_sdk_fit(index: int) -> bytes:
    """A one-hour run written by Garmin's FIT SDK encoder, shaped like a Forerunner's file:
    file_id, device_info, timer events, a record every second (time, position, distance,
    enhanced altitude and speed, heart rate, cadence: 27 bytes each with its header), lap,
    session and activity."""
    from garmin_fit_sdk import Encoder, Profile

    numbers = Profile["mesg_num"]
    track = _track(index)
    start = track.started_at
    end = start + timedelta(seconds=track.duration_s)
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": numbers["FILE_ID"],
            "type": "activity",
            "manufacturer": "garmin",
            "product": 3113,  # fr945
            "serial_number": 3_000_000 + index,
            "time_created": start,
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": numbers["DEVICE_INFO"],
            "timestamp": start,
            "device_index": "creator",
            "manufacturer": "garmin",
            "product": 3113,
            "software_version": 21.19,
        }
    )
    encoder.write_mesg(
        {"mesg_num": numbers["EVENT"], "timestamp": start, "event": "timer", "event_type": "start"}
    )
    seconds = track.seconds.tolist()
    distance = track.distance_m.tolist()
    for i, second in enumerate(seconds):
        step_s = second - seconds[i - 1] if i else 1.0
        speed = (distance[i] - distance[i - 1]) / step_s if i else 0.0
        encoder.write_mesg(
            {
                "mesg_num": numbers["RECORD"],
                "timestamp": start + timedelta(seconds=second),
                "position_lat": round(float(track.lat[i]) * _SEMICIRCLES_PER_DEGREE),
                "position_long": round(float(track.lon[i]) * _SEMICIRCLES_PER_DEGREE),
                "distance": distance[i],
                "enhanced_altitude": float(track.elevation_m[i]),
                "enhanced_speed": speed,
                "heart_rate": int(track.heart_rate_bpm[i]),
                "cadence": int(track.cadence_spm[i]) // 2,  # FIT running cadence: strides/min
            }
        )
    encoder.write_mesg(
        {"mesg_num": numbers["EVENT"], "timestamp": end, "event": "timer", "event_type": "stop_all"}
    )
    totals = {
        "timestamp": end,
        "start_time": start,
        "total_elapsed_time": track.duration_s,
        "total_timer_time": track.duration_s,
        "total_distance": track.total_distance_m,
        "sport": "running",
        "sub_sport": "street",
    }
    encoder.write_mesg({"mesg_num": numbers["LAP"], **totals})
    encoder.write_mesg(
        {
            "mesg_num": numbers["SESSION"],
            **totals,
            "start_position_lat": round(float(track.lat[0]) * _SEMICIRCLES_PER_DEGREE),
            "start_position_long": round(float(track.lon[0]) * _SEMICIRCLES_PER_DEGREE),
            "avg_heart_rate": int(track.heart_rate_bpm.mean()),
            "avg_cadence": int(track.cadence_spm.mean()) // 2,
        }
    )
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


def write_sdk_archive(pool: ProcessPoolExecutor, indexes: range) -> None:
    with zipfile.ZipFile(OUT / "sdk-fit-archive.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for index, data in zip(indexes, pool.map(one_sdk_fit, indexes, chunksize=10), strict=True):
            archive.writestr(_member(f"sdk/{index:05d}_ACTIVITY.fit"), data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--sdk-runs", type=int, default=600)
    parser.add_argument("--gpx", type=int, default=40)
    parser.add_argument("--strava", type=int, default=200)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    with ProcessPoolExecutor() as pool:
        with zipfile.ZipFile(OUT / "fit-archive.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for index, data in enumerate(pool.map(one_fit, range(args.runs), chunksize=20)):
                archive.writestr(
                    _member(f"DI_CONNECT/UploadedFiles/{index:05d}_ACTIVITY.fit"), data
                )
        # Other runs than the other archives' (which use indexes below runs + strava).
        write_sdk_archive(
            pool, range(args.runs + args.strava, args.runs + args.strava + args.sdk_runs)
        )
        gpx_dir = OUT / "gpx"
        gpx_dir.mkdir(exist_ok=True)
        for index, data in enumerate(pool.map(one_gpx, range(args.gpx))):
            (gpx_dir / f"run-{index:03d}.gpx").write_bytes(data)
        rows = []
        with zipfile.ZipFile(OUT / "strava-export.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for index in range(args.strava):
                offset = args.runs + index  # different runs from the FIT archive
                if index % 2:
                    name = f"activities/{offset}.gpx"
                    archive.writestr(_member(name), one_gpx(offset))
                else:
                    name = f"activities/{offset}.fit.gz"
                    archive.writestr(_member(name), gzip.compress(one_fit(offset), mtime=0))
                rows.append(
                    {
                        "Activity ID": offset,
                        "Activity Type": "Run",
                        "Filename": name,
                        "Activity Gear": "Pegasus 40" if index % 3 else "Clifton 9",
                    }
                )
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(_member("activities.csv"), text.getvalue())
    for path in sorted(OUT.rglob("*.zip")):
        print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
