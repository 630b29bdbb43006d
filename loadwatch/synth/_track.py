"""The synthetic activity every generator writes: a steady loop with known totals."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime

import numpy as np

_ONE_DEGREE_M = (2 * math.pi * 6378137.0) / 360  # gpxpy's constant, so GPX distances agree


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
