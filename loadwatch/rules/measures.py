"""Measures every rule shares: the windows, the spike bands (R1) and the floating-point margin.

Kept in one module the rules import (issue #19), so no rule module copies another's constants.
"""

from __future__ import annotations

import math

from loadwatch.rules.thresholds import Thresholds

SPIKE_LOOKBACK_DAYS = 7  # spikes and progressions from the last week stay on the status
SPIKE_WINDOW_DAYS = 30  # R1: the 30 days before a run [frandsen2025]
PROGRESSION_DAYS = 7  # Nielsen 2014: the 7 days up to a session against the 7 before
REFERENCE_PERIODS = 4  # a period not above the highest of the previous four is not growth
EPSILON = 1e-9  # 22 km / 20 km - 1 is 0.10000000000000009 in floating point: that is 10%, not above
# R1 hazard ratios (95% CI) per band against runs at or under 1.1x [frandsen2025]
SPIKE_BANDS = {
    "small spike": (1.64, "1.31-2.05"),
    "moderate spike": (1.52, "1.16-2.00"),
    "large spike": (2.28, "1.50-3.48"),
}


def spike_band(ratio: float, t: Thresholds) -> str | None:
    """R1's band for a spike ratio ("small spike", ...), or None at or below 1.10x (or NaN)."""
    if math.isnan(ratio) or ratio <= t.small_spike_ratio + EPSILON:
        return None
    if ratio <= t.moderate_spike_ratio + EPSILON:
        return "small spike"
    if ratio <= t.large_spike_ratio + EPSILON:
        return "moderate spike"
    return "large spike"
