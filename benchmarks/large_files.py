"""Peak memory of importing the large files of issue #23: a 62 MiB GPX (316,801 points, 88 h,
288 km), a TCX of about the same size (24 h, Garmin Connect's layout) and a Strava export whose
activities.csv is 49.6 MB.

    uv run python benchmarks/large_files.py

Each import runs in a fresh process, by the CLI (`loadwatch import`) and by the dashboard's
path (`services.import_uploads` with the file's bytes in memory); prints the wall time, the
importing process's peak resident memory and the largest worker's (benchmarks/hostile.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.hostile import measure
from benchmarks.realistic import garmin_tcx
from loadwatch.synth import fit_bytes, gpx_bytes, make_track

MB = 1024 * 1024
CSV_COLUMNS = (
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Activity Description",
    "Activity Gear",
    "Filename",
    "Perceived Exertion",
)


def long_gpx(path: Path) -> None:
    """88 h at 1 s, 288 km: a multi-day ultra, 316,801 points (about 62 MiB)."""
    track = make_track(datetime(2026, 5, 1, 6, tzinfo=UTC), 288_000, 1100.0, seed=23)
    path.write_bytes(gpx_bytes(track, activity_type="running", name="Ultra"))


def long_tcx(path: Path) -> None:
    """24 h at 1 s, 160 km, as Garmin Connect writes TCX: 86,401 trackpoints (about 60 MiB)."""
    track = make_track(datetime(2026, 5, 1, 6, tzinfo=UTC), 160_000, 540.0, seed=24)
    path.write_bytes(garmin_tcx(track))


def strava_export(path: Path, csv_bytes: int) -> None:
    """A Strava export: a few FIT runs and an activities.csv of about `csv_bytes`, whose rows
    past the runs describe activities without files (as a long-time account's does)."""
    runs = [
        make_track(datetime(2026, 4, day, 7, tzinfo=UTC), 8000, seed=day, interval_s=5)
        for day in range(1, 6)
    ]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    description = "easy loop by the river, legs fine " * 24
    row = 0
    while text.tell() < csv_bytes:
        has_file = row < len(runs)
        writer.writerow(
            [
                row,
                "Apr 1, 2026, 7:00:00 AM",
                f"Run {row}",
                "Run",
                description,
                "Pegasus 40",
                f"activities/{row}.fit" if has_file else "",
                "4",
            ]
        )
        row += 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities.csv", text.getvalue())
        for index, track in enumerate(runs):
            archive.writestr(f"activities/{index}.fit", fit_bytes([track]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=float, default=49.6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        gpx = folder / "ultra-88h.gpx"
        start = time.perf_counter()
        long_gpx(gpx)
        print(
            f"GPX: {gpx.stat().st_size / MB:.1f} MiB, built in {time.perf_counter() - start:.0f} s"
        )
        measure(gpx, folder)
        gpx.unlink()
        tcx = folder / "ultra-24h.tcx"
        long_tcx(tcx)
        print(f"TCX: {tcx.stat().st_size / MB:.1f} MiB")
        measure(tcx, folder)
        tcx.unlink()
        export = folder / "strava-export.zip"
        strava_export(export, int(args.csv_mb * 1_000_000))
        with zipfile.ZipFile(export) as archive:
            size = archive.getinfo("activities.csv").file_size
        print(f"Strava export: activities.csv {size / 1_000_000:.1f} MB")
        measure(export, folder)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
