"""Unit conversions and parsing of distances typed by a user ("120mi", "300-500mi")."""

from __future__ import annotations

import math
import re
from enum import StrEnum

from loadwatch.errors import InputError

METRES_PER_KM = 1000.0
METRES_PER_MILE = 1609.344


class DistanceUnit(StrEnum):
    KM = "km"
    MI = "mi"


def metres_per(unit: DistanceUnit) -> float:
    """Metres in one `unit`."""
    return METRES_PER_KM if unit is DistanceUnit.KM else METRES_PER_MILE


def to_unit(distance_m: float, unit: DistanceUnit) -> float:
    """Convert metres to km or miles."""
    return distance_m / metres_per(unit)


def from_unit(value: float, unit: DistanceUnit) -> float:
    """Convert km or miles to metres."""
    return value * metres_per(unit)


def format_distance(distance_m: float, unit: DistanceUnit, digits: int = 1) -> str:
    """`12345.0, KM` -> `"12.3 km"`."""
    return f"{to_unit(distance_m, unit):.{digits}f} {unit.value}"


def format_pace(seconds_per_km: float, unit: DistanceUnit) -> str:
    """`330.0, KM` -> `"5:30"` (minutes:seconds per km or mile; "-" without a distance)."""
    if not math.isfinite(seconds_per_km) or seconds_per_km <= 0:  # NaN: no distance
        return "-"
    whole = round(seconds_per_km * metres_per(unit) / METRES_PER_KM)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def format_speed(seconds_per_km: float, unit: DistanceUnit) -> str:
    """`200.0, KM` -> `"18.0"` (km/h or mph, for rides; "-" without a distance)."""
    if not math.isfinite(seconds_per_km) or seconds_per_km <= 0:  # NaN: no distance
        return "-"
    return f"{3600 / seconds_per_km * METRES_PER_KM / metres_per(unit):.1f}"


def speed_unit(unit: DistanceUnit) -> str:
    return "km/h" if unit is DistanceUnit.KM else "mph"


def count_noun(count: int, noun: str, plural: str | None = None) -> str:
    """`1, "run"` -> `"1 run"`; `3, "run"` -> `"3 runs"` (issue #24's small words)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


_DISTANCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km|mi|m)?\s*$", re.IGNORECASE)


def parse_distance(text: str, default_unit: DistanceUnit) -> float:
    """Parse `"120mi"`, `"200 km"`, `"1500m"` or `"80"` (in `default_unit`) to metres.

    Raises:
        InputError: the text is not a non-negative number with an optional km/mi/m suffix.
    """
    match = _DISTANCE.match(text)
    if not match:
        raise InputError(
            f"distance must be a non-negative number with an optional km, mi or m suffix, "
            f"got {text!r}"
        )
    value = float(match.group(1))
    suffix = (match.group(2) or default_unit.value).lower()
    if suffix == "m":
        return value
    return from_unit(value, DistanceUnit(suffix))


def parse_distance_range(text: str, default_unit: DistanceUnit) -> tuple[float, float]:
    """Parse `"300-500mi"` to `(482803.2, 804672.0)` metres.

    Raises:
        InputError: not two distances joined by '-', or the first is not below the second.
    """
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*(km|mi)?\s*$", text, re.I)
    if not match:
        raise InputError(f"window must look like '300-500mi' or '480-800km', got {text!r}")
    unit = DistanceUnit((match.group(3) or default_unit.value).lower())
    low, high = from_unit(float(match.group(1)), unit), from_unit(float(match.group(2)), unit)
    if low >= high:
        raise InputError(f"window start must be below its end, got {text!r}")
    return low, high
