"""Per-point samples of a file (time, position, distance, elevation, heart rate, cadence) for
drawing one activity's track and its curves (issue #12); totals never come from here.

Each format module has a `samples(data, filename)` that returns `TrackSamples`;
`loadwatch.importers.parse_samples` sniffs the format and calls the right one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from loadwatch.errors import EmptyActivityError
from loadwatch.importers._totals import step_distances_m

Row = tuple[float, float, float, float, float, float, float]
"""(time_s, lat, lon, distance_m, elevation_m, heart_rate_bpm, cadence_per_min); NaN = absent."""


@dataclass(frozen=True, slots=True)
class TrackSamples:
    """One file's timed points in time order; NaN where a point has no such value.

    `cadence_per_min` is as the file records it: strides (one foot) per minute for running and
    walking (Garmin's convention in FIT, GPX and TCX), crank revolutions per minute on a bike.
    """

    time_s: np.ndarray  # POSIX seconds (UTC)
    lat: np.ndarray  # degrees
    lon: np.ndarray  # degrees
    distance_m: np.ndarray  # cumulative metres as recorded
    elevation_m: np.ndarray  # metres
    heart_rate_bpm: np.ndarray
    cadence_per_min: np.ndarray

    def __len__(self) -> int:
        return int(self.time_s.size)

    def window(self, start_s: float, end_s: float) -> TrackSamples:
        """The points from `start_s` to `end_s` (POSIX seconds, inclusive, 1 s slack)."""
        keep = (self.time_s >= start_s - 1) & (self.time_s <= end_s + 1)
        return TrackSamples(*(column[keep] for column in self.columns()))

    def distance_or_track_m(self) -> np.ndarray:
        """The recorded cumulative distance; without any, the length of the GPS track up to
        each point (flat-earth steps, as `_totals` measures them); NaN where neither exists."""
        if np.isfinite(self.distance_m).any():
            return self.distance_m.copy()
        distance = np.full(self.time_s.size, np.nan)
        located = np.isfinite(self.lat) & np.isfinite(self.lon)
        if located.sum() >= 2:
            steps = step_distances_m(self.lat[located], self.lon[located])
            distance[located] = np.concatenate(([0.0], np.cumsum(steps)))
        return distance

    def columns(self) -> tuple[np.ndarray, ...]:
        return (
            self.time_s,
            self.lat,
            self.lon,
            self.distance_m,
            self.elevation_m,
            self.heart_rate_bpm,
            self.cadence_per_min,
        )


def from_rows(rows: Iterable[Row], filename: str) -> TrackSamples:
    """Samples from rows (see `Row`), sorted by time; rows without a finite time are dropped.

    Raises:
        EmptyActivityError: no timed point at all.
    """
    table = np.array([r for r in rows if math.isfinite(r[0])], dtype=float).reshape(-1, 7)
    if table.shape[0] == 0:
        raise EmptyActivityError(f"{filename!r} has no timed points to draw")
    table = table[np.argsort(table[:, 0], kind="stable")]
    return TrackSamples(*(table[:, i].copy() for i in range(7)))


def number(value: object) -> float:
    """A finite float, or NaN for anything else (None, text, inf)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    result = float(value)
    return result if math.isfinite(result) else math.nan
