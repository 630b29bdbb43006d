"""A seeded ten-year Strava-style export (issue #26): about 3,000 activities, 60 % GPX, 35 % FIT
(half from our generator, half from Garmin's FIT SDK encoder, with and without a session start
position), 5 % TCX, and `activities.csv`, as `benchmarks/out/ten-year-export.zip`.

    uv run python benchmarks/ten_year.py --activities 3000

Activities are one a day or so over ten years, recorded every second, 25 to 150 minutes long
(runs mostly, rides and walks too); GPX and TCX are shaped like Garmin Connect's downloads
(`realistic.py`), FIT and TCX are gzipped as Strava's bulk export stores them.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import random
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.realistic import garmin_gpx, garmin_tcx
from loadwatch.synth import Track, fit_bytes, make_track
from tests.importers.sdk_fit import sdk_activity

OUT = Path(__file__).resolve().parent / "out"
FIRST_DAY = datetime(2016, 11, 21, tzinfo=UTC)
DAYS = 3650
SPORTS = {"run": ("Run", "Running", "running"), "ride": ("Ride", "Biking", "cycling")}


def _plan(index: int, total: int) -> tuple[str, Track]:
    """The activity's format and track: seeded by its index alone."""
    rng = random.Random(index)  # noqa: S311 - reproducible benchmark data
    day = index * DAYS // total
    started = FIRST_DAY + timedelta(days=day, hours=rng.randint(6, 18), minutes=rng.randint(0, 59))
    sport = "ride" if rng.random() < 0.15 else "run"
    minutes = rng.choice([25, 30, 35, 40, 45, 50, 60, 75, 90]) if sport == "run" else 120
    if rng.random() < 0.05:
        minutes = 150  # the long days
    pace_s_per_km = rng.uniform(290, 380) if sport == "run" else rng.uniform(100, 140)
    distance_m = minutes * 60 / pace_s_per_km * 1000
    track = make_track(started, distance_m, pace_s_per_km, seed=index, interval_s=1, sport=sport)
    roll = rng.random()
    kind = "gpx" if roll < 0.60 else ("tcx" if roll < 0.65 else "fit")
    if kind == "fit":
        kind = "sdk-fit" if index % 2 else "our-fit"
    return kind, track


def one(job: tuple[int, int]) -> tuple[str, bytes, str]:
    """(member name, bytes, Strava activity type) of activity `index`."""
    index, total = job
    kind, track = _plan(index, total)
    strava, tcx_sport, sdk_sport = SPORTS[track.sport]
    no_start = index % 4 == 1  # a quarter of the FIT files carry no session start position
    if kind == "gpx":
        return f"activities/{index}.gpx", garmin_gpx(track, tcx_sport.lower()), strava
    if kind == "tcx":
        data = gzip.compress(garmin_tcx(track, tcx_sport), mtime=0)
        return f"activities/{index}.tcx.gz", data, strava
    if kind == "sdk-fit":
        data = sdk_activity(track, sport=sdk_sport, start_position=not no_start)
    else:
        session = {"start_position_lat": None, "start_position_long": None} if no_start else None
        data = fit_bytes([track], utc_offset_s=3600, serial=index + 1, session=session)
    return f"activities/{index}.fit.gz", gzip.compress(data, mtime=0), strava


def _member(name: str) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, date_time=(2026, 11, 21, 0, 0, 0))
    member.compress_type = zipfile.ZIP_DEFLATED
    return member


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=3000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    rows = []
    path = OUT / "ten-year-export.zip"
    jobs = [(i, args.activities) for i in range(args.activities)]
    with (
        ProcessPoolExecutor() as pool,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for index, (name, data, strava) in enumerate(pool.map(one, jobs, chunksize=8)):
            archive.writestr(_member(name), data)
            rows.append(
                {
                    "Activity ID": index,
                    "Activity Type": strava,
                    "Filename": name,
                    "Activity Gear": "Pegasus 40" if index % 3 else "Clifton 9",
                }
            )
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        archive.writestr(_member("activities.csv"), text.getvalue())
    print(f"{path.name}: {len(rows)} activities, {path.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
