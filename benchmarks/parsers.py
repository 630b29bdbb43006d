"""Parsers side by side on one-hour files recorded every second (issue #26): a plain fitparse
decode against our FIT path on files from our generator and from Garmin's FIT SDK encoder, with
and without a session start position; gpxpy, our GPX and TCX parsers and an lxml `iterparse`
floor that extracts the same fields into arrays.

Each figure is the median over several different files of the CPU time of one parse
(`time.process_time`), with the wall-clock median beside it: on a shared machine the wall clock
measures the other processes too, CPU time much less so.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import gpxpy
import numpy as np
from fitparse import FitFile
from lxml import etree

from benchmarks.realistic import garmin_gpx, garmin_tcx
from loadwatch.importers import fit, gpx, tcx
from loadwatch.synth import fit_bytes, make_track
from tests.importers.sdk_fit import sdk_activity

FILES = 5
GPX_NS = "{http://www.topografix.com/GPX/1/1}"
TCX_NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


def _tracks() -> list:
    start = datetime(2025, 5, 1, 6, 0, tzinfo=UTC)
    return [
        make_track(start + timedelta(days=i), 10_000 + 300 * i, 3600 / (10 + 0.3 * i), seed=i)
        for i in range(FILES)
    ]


def _timed(parse: Callable[[bytes], object], datas: list[bytes]) -> tuple[float, float]:
    """(median CPU ms, median wall ms) of `parse` over `datas`, after one warm-up parse."""
    parse(datas[0])
    cpu, wall = [], []
    for data in datas:
        c, w = time.process_time(), time.perf_counter()
        parse(data)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def fitparse_decode(data: bytes) -> None:
    for _ in FitFile(io.BytesIO(data)).get_messages():
        pass


def gpx_floor(data: bytes) -> tuple[np.ndarray, ...]:
    """lxml iterparse extracting what our GPX parser reads into arrays (the issue's floor)."""
    lat, lon, ele, times, hr, cad = [], [], [], [], [], []
    for _, point in etree.iterparse(
        io.BytesIO(data), tag=f"{GPX_NS}trkpt", resolve_entities=False, no_network=True
    ):
        lat.append(float(point.get("lat")))
        lon.append(float(point.get("lon")))
        ele.append(float(point.findtext(f"{GPX_NS}ele") or "nan"))
        times.append(point.findtext(f"{GPX_NS}time")[:19])
        hr.append(float(point.findtext(f"{GPX_NS}extensions/*/{{*}}hr") or "nan"))
        cad.append(float(point.findtext(f"{GPX_NS}extensions/*/{{*}}cad") or "nan"))
        point.clear()
    return (
        np.array(lat),
        np.array(lon),
        np.array(ele),
        np.array(times, dtype="datetime64[s]"),
        np.array(hr),
        np.array(cad),
    )


def tcx_floor(data: bytes) -> tuple[np.ndarray, ...]:
    """lxml iterparse extracting what our TCX parser reads into arrays."""
    paths = [
        "Position/LatitudeDegrees",
        "Position/LongitudeDegrees",
        "AltitudeMeters",
        "DistanceMeters",
        "HeartRateBpm/Value",
    ]
    paths = [TCX_NS + p.replace("/", "/" + TCX_NS) for p in paths]
    columns: list[list[float]] = [[] for _ in paths]
    times = []
    for _, point in etree.iterparse(
        io.BytesIO(data), tag=f"{TCX_NS}Trackpoint", resolve_entities=False, no_network=True
    ):
        times.append(point.findtext(f"{TCX_NS}Time")[:19])
        for column, path in zip(columns, paths, strict=True):
            column.append(float(point.findtext(path) or "nan"))
        point.clear()
    return (np.array(times, dtype="datetime64[s]"), *(np.array(c) for c in columns))


def parsers() -> None:
    tracks = _tracks()
    no_start = {"start_position_lat": None, "start_position_long": None}
    fits = {
        "FIT SDK encoder, session start position": [sdk_activity(t) for t in tracks],
        "FIT SDK encoder, no start position": [
            sdk_activity(t, start_position=False) for t in tracks
        ],
        "our generator, session start position": [fit_bytes([t]) for t in tracks],
        "our generator, no start position": [fit_bytes([t], session=no_start) for t in tracks],
    }
    print(f"Parsers, one-hour files at 1 s, median of {FILES} files (CPU ms / wall ms):")
    for label, datas in fits.items():
        plain = _timed(fitparse_decode, datas)
        ours = _timed(lambda d: fit.parse(d, "bench.fit"), datas)
        agree = sum(fit.parse(d, "b.fit") == fit.parse_reference(d, "b.fit") for d in datas)
        print(
            f"  FIT, {label} ({len(datas[0]) / 1000:.0f} KB): plain fitparse "
            f"{plain[0]:.0f} / {plain[1]:.0f}, ours {ours[0]:.2f} / {ours[1]:.2f} -> "
            f"{plain[0] / ours[0]:.0f}x (CPU); ours == full decode on {agree}/{len(datas)}"
        )
    gpxs = [garmin_gpx(t) for t in tracks]
    tcxs = [garmin_tcx(t) for t in tracks]
    ours_gpx = _timed(lambda d: gpx.parse(d, "bench.gpx"), gpxs)
    gpxpy_s = _timed(lambda d: gpxpy.parse(d.decode()).length_2d(), gpxs)
    floor_gpx = _timed(gpx_floor, gpxs)
    worst = max(
        abs(gpx.parse(d, "b.gpx")[0].distance_m / gpxpy.parse(d.decode()).length_2d() - 1)
        for d in gpxs
    )
    print(
        f"  GPX ({len(gpxs[0]) / 1e6:.1f} MB: time, elevation, heart rate, cadence): gpxpy "
        f"{gpxpy_s[0]:.0f} / {gpxpy_s[1]:.0f}, ours {ours_gpx[0]:.0f} / {ours_gpx[1]:.0f}, lxml "
        f"iterparse floor {floor_gpx[0]:.0f} / {floor_gpx[1]:.0f} -> ours / floor "
        f"{ours_gpx[0] / floor_gpx[0]:.2f} (CPU); distance vs gpxpy within {worst:.1e}"
    )
    ours_tcx = _timed(lambda d: tcx.parse(d, "bench.tcx"), tcxs)
    floor_tcx = _timed(tcx_floor, tcxs)
    print(
        f"  TCX ({len(tcxs[0]) / 1e6:.1f} MB): ours {ours_tcx[0]:.0f} / {ours_tcx[1]:.0f}, lxml "
        f"iterparse floor {floor_tcx[0]:.0f} / {floor_tcx[1]:.0f} -> ours / floor "
        f"{ours_tcx[0] / floor_tcx[0]:.2f} (CPU)"
    )
