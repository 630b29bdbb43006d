"""Seeded generator of realistic archives for the benchmarks (written to benchmarks/out/).

    uv run python benchmarks/generate.py --runs 2000

Writes `fit-archive.zip` (N one-hour FIT runs recorded every second, ~3,600 records each, in a
Garmin-like nested layout), `gpx/` (one-hour GPX files at 1 s) and `strava-export.zip`
(activities.csv + activities/*.fit.gz and *.gpx, mixed).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2000)
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
