"""Totals computed from points, the same for every format (issue #10), and their cross-checks.

- **Moving time** counts the steps between consecutive timed points whose speed reaches
  `STOPPED_SPEED_M_PER_S` (0.5 m/s): standing at a light while the GPS jitters adds none, and
  neither does a long gap. Points are sorted by time before anything is summed.
- **Ascent and descent** drop altitudes outside `MIN_ALTITUDE_M`..`MAX_ALTITUDE_M` and isolated
  spikes (more than `SPIKE_M` from the median of their five neighbours), then apply gpxpy's
  3-point smoothing (0.3, 0.4, 0.3). An ascent still above `MAX_ASCENT_M` is not believed: None.
- **moving <= elapsed**: a moving (timer) time above the elapsed time by a rounding margin is
  clamped (`reconciled_s`); by more, the elapsed time is raised to it and the activity says so
  (issue #26: devices write this, from a lap that started before its first point to a virtual
  ride's session; refusing cost users real activities).
- **Glitched clocks**: a few points dated years away from the rest (1970, 2099) are dropped and
  the activity says so (`glitches`), rather than the file refused for lasting decades.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

STOPPED_SPEED_M_PER_S = 0.5  # below 1.8 km/h an athlete is standing; GPS drift is about this size
MIN_ALTITUDE_M = -500.0  # the Dead Sea shore is -430 m
MAX_ALTITUDE_M = 9000.0  # above Everest
SPIKE_M = 100.0
MAX_ASCENT_M = 12_000.0  # more than any one-day activity climbs; the service drops it too
ONE_DEGREE_M = (2 * math.pi * 6378137.0) / 360  # gpxpy.geo.ONE_DEGREE
ROUNDING_S = 2.0  # clocks in whole seconds (and TCX laps in tenths) disagree by this much
ROUNDING_FRACTION = 0.01


def smoothed_gain_loss_m(elevations: Sequence[float]) -> tuple[float, float]:
    """gpxpy's `calculate_uphill_downhill`: 3-point (0.3, 0.4, 0.3) smoothing, then sums."""
    values = np.asarray(elevations, dtype=float)
    if values.size < 2:
        return 0.0, 0.0
    smoothed = values.copy()
    if values.size > 2:
        smoothed[1:-1] = values[:-2] * 0.3 + values[1:-1] * 0.4 + values[2:] * 0.3
    steps = np.diff(smoothed)
    return float(steps[steps > 0].sum()), float(-steps[steps < 0].sum())


def despiked(elevations: Sequence[float]) -> list[float]:
    """Altitudes without impossible values and isolated spikes (see the module docstring)."""
    values = np.asarray(
        [e for e in elevations if MIN_ALTITUDE_M <= e <= MAX_ALTITUDE_M], dtype=float
    )
    if values.size < 5:
        return [float(v) for v in values]
    padded = np.pad(values, 2, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 5)
    medians = np.median(windows, axis=1)
    return [float(v) for v in values[np.abs(values - medians) <= SPIKE_M]]


def ascent_descent_m(elevations: Sequence[float]) -> tuple[float | None, float | None]:
    """Ascent and descent (metres) from a time-ordered altitude series, or (None, None)."""
    values = despiked(elevations)
    if not values:
        return None, None
    up, down = smoothed_gain_loss_m(values)
    if up > MAX_ASCENT_M or down > MAX_ASCENT_M:
        return None, None
    return up, down


def step_distances_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Per-step flat-earth distances (metres) between consecutive points."""
    d_lat = np.diff(lat)
    d_lon = np.diff(lon) * np.cos(np.radians(lat[1:]))
    return np.asarray(np.sqrt(d_lat**2 + d_lon**2) * ONE_DEGREE_M)


def moving_s(steps_m: np.ndarray, seconds: np.ndarray) -> float:
    """Seconds spent moving: steps whose speed reaches `STOPPED_SPEED_M_PER_S`.

    `steps_m[i]` is the distance between points i and i+1, `seconds` the points' times (sorted).
    """
    if seconds.size < 2:
        return 0.0
    dt = np.diff(seconds)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, steps_m / dt, 0.0)
    return float(dt[(dt > 0) & (speed >= STOPPED_SPEED_M_PER_S)].sum())


def reconciled_s(
    moving: float,
    elapsed: float,
    *,
    kept: str = "moving time",
    covered: str = "the elapsed time is",
    lift_elapsed: bool = False,
) -> tuple[float, float, str | None]:
    """(moving, elapsed, what was repaired) with moving <= elapsed.

    Within `ROUNDING_S` or `ROUNDING_FRACTION` of the elapsed time, the moving time is cut to
    the elapsed time (clocks in whole seconds), or, with `lift_elapsed` (an elapsed time
    measured to the last point, which may come a moment before the clock stopped), the elapsed
    time raised to it. Beyond it, the elapsed time is raised to the
    moving time: the moving (timer) time is what the device counted, and the elapsed time is
    the one that falls short (a lap that started before its first point, points that stop
    before the lap does). The note says so, as `f"kept: {kept} ({moving} s); {covered} ..."`.
    """
    if moving <= elapsed:
        return moving, elapsed, None
    if moving - elapsed <= max(ROUNDING_S, ROUNDING_FRACTION * elapsed):
        return (moving, moving, None) if lift_elapsed else (elapsed, elapsed, None)
    return moving, moving, f"kept: {kept} {moving:,.0f} s; {covered} {elapsed:,.0f} s"


GLITCH_GAP_S = 2 * 86400.0  # no pause inside one recording lasts two days ...
GLITCH_MAX_POINTS = 5  # ... so a handful of points that far from the rest have a wrong clock
GLITCH_MAX_FRACTION = 0.01  # (or up to 1 % of a long recording's points)


def glitches(seconds: np.ndarray) -> np.ndarray:
    """Mask of the points whose time lies more than `GLITCH_GAP_S` from the main body of the
    recording (its largest run of points without such a gap), when they are few: at most
    `GLITCH_MAX_POINTS` or `GLITCH_MAX_FRACTION` of the timed points. NaN times are never
    glitches. All False when there is nothing to drop, or too much to call a glitch."""
    mask = np.zeros(seconds.size, dtype=bool)
    timed = np.flatnonzero(~np.isnan(seconds))
    if timed.size < 3:
        return mask
    order = timed[np.argsort(seconds[timed], kind="stable")]
    ordered = seconds[order]
    breaks = np.flatnonzero(np.diff(ordered) > GLITCH_GAP_S) + 1
    if not breaks.size:
        return mask
    bounds = np.concatenate(([0], breaks, [ordered.size]))
    sizes = np.diff(bounds)
    main = int(np.argmax(sizes))
    outside = ordered.size - int(sizes[main])
    if outside > max(GLITCH_MAX_POINTS, GLITCH_MAX_FRACTION * ordered.size):
        return mask
    mask[order] = True
    mask[order[bounds[main] : bounds[main + 1]]] = False
    return mask


def glitch_note(dropped_s: np.ndarray, kept_s: np.ndarray, what: str) -> str:
    """The sentence for points dropped by `glitches`: how many, their dates, the recording's."""
    days = sorted({_day(float(s)) for s in dropped_s})
    count = dropped_s.size
    return (
        f"dropped {count} {what}{'s' if count != 1 else ''} dated {', '.join(days)}, away from "
        f"the rest of the recording ({_day(float(np.min(kept_s)))}): a glitch of the device clock"
    )


def _day(seconds: float) -> str:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d")
    except (OverflowError, OSError, ValueError):
        return "an impossible date"
