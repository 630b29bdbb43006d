"""What the FIT importer's two halves share: a file's timed records (`Records`) and what every
session of one file shares (`FitContext`), records read on first use.

fit.py decodes (the only module with fitparse) and hands `FitContext` a reader for the records;
`_fit_activity` turns decoded values into activities. Both import this module, and neither the
other for these (the import cycle of issue #26 gone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from loadwatch.importers._totals import moving_s, step_distances_m


@dataclass(slots=True)
class Records:
    """The timed records of a file in time order (read only when needed)."""

    seconds: np.ndarray  # POSIX seconds
    lat: np.ndarray  # degrees, NaN without a fix
    lon: np.ndarray
    distance: np.ndarray  # cumulative metres, NaN when absent
    altitude: np.ndarray  # metres, NaN when absent
    heart_rate: np.ndarray  # bpm, NaN when absent
    has_streams: bool

    def window(self, start: float, end: float | None) -> Records:
        keep = self.seconds >= start - 1
        if end is not None:
            keep &= self.seconds <= end + 1
        return self.keep(keep)

    def keep(self, keep: np.ndarray) -> Records:
        return Records(
            self.seconds[keep],
            self.lat[keep],
            self.lon[keep],
            self.distance[keep],
            self.altitude[keep],
            self.heart_rate[keep],
            self.has_streams,
        )

    def first_fix(self) -> tuple[float, float] | None:
        located = np.flatnonzero(~np.isnan(self.lat) & ~np.isnan(self.lon))
        return (float(self.lat[located[0]]), float(self.lon[located[0]])) if located.size else None

    def distance_m(self, *, from_zero: bool) -> float:
        """Cumulative distance covered, else the length of the GPS track."""
        distances = self.distance[~np.isnan(self.distance)]
        if distances.size:
            return float(distances.max() - (0.0 if from_zero else distances.min()))
        located = ~np.isnan(self.lat) & ~np.isnan(self.lon)
        if np.count_nonzero(located) < 2:
            return 0.0
        return float(step_distances_m(self.lat[located], self.lon[located]).sum())

    def moving_s(self) -> float:
        distances = self.distance
        if not np.isnan(distances).all():
            filled = np.fmax.accumulate(np.nan_to_num(distances, nan=0.0))
            return moving_s(np.diff(filled), self.seconds)
        located = ~np.isnan(self.lat) & ~np.isnan(self.lon)
        if np.count_nonzero(located) < 2:
            return float(self.seconds[-1] - self.seconds[0]) if self.seconds.size > 1 else 0.0
        steps = step_distances_m(self.lat[located], self.lon[located])
        return moving_s(steps, self.seconds[located])


@dataclass(slots=True)
class FitContext:
    """What every session of one file shares."""

    filename: str
    offset: int | None
    device: str | None
    is_device_file: bool
    virtual_device: bool
    bike_sensor: bool
    has_samples: bool
    file_sport: tuple[str | None, str | None]
    several: bool
    read_records: Callable[[], Records]  # fit.py's reader: from the bytes, else a full decode
    _records: Records | None = None

    def records(self) -> Records:
        if self._records is None:
            self._records = self.read_records()
        return self._records
