"""Rule thresholds with units and an honest source comment; a coach can override any of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from loadwatch.errors import InputError


@dataclass(frozen=True, slots=True)
class Thresholds:
    # R1 spikes [frandsen2025]: HR 1.64 (>1.10-1.30), 1.52 (>1.30-2.00), 2.28 (>2.00)
    small_spike_ratio: float = 1.10
    moderate_spike_ratio: float = 1.30
    large_spike_ratio: float = 2.00
    # R2: "10% rule" is a convention; the GRONORUN RCT found no protection [buist2008]
    weekly_growth_ratio: float = 0.10
    # R2: >30% over two weeks, more distance-related injuries in novices [nielsen2014]
    two_week_growth_ratio: float = 0.30
    # R2: below this previous-week base, report km, not a percentage (product default)
    low_base_m: float = 10_000.0
    # R3 pain zones [thomee1997]: 0-2 safe, 3-5 acceptable if it settles, >5 red
    pain_safe_max: int = 2
    pain_acceptable_max: int = 5
    # R5 monotony [foster1998], Runalyze's constants
    monotony_info: float = 1.5
    monotony_caution: float = 2.0
    # R6 ACWR bands [gabbett2016], contested [impellizzeri2021]
    acwr_low: float = 0.8
    acwr_high: float = 1.3
    acwr_danger: float = 1.5
    # R7: distance cap (metres) for a first run after a break (product default)
    returning_run_cap_m: float = 5_000.0

    def to_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Thresholds:
        """Defaults overridden by `data`; unknown keys or non-positive values are an InputError."""
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown threshold(s) {unknown}; known: {sorted(known)}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if not isinstance(value, int | float) or value <= 0:
                raise InputError(f"threshold {key} must be a positive number, got {value!r}")
            values[key] = int(value) if key.startswith("pain_") else float(value)
        result = replace(cls(), **values)
        if not result.small_spike_ratio < result.moderate_spike_ratio < result.large_spike_ratio:
            raise InputError("spike thresholds must increase: small < moderate < large")
        return result
