"""The injured site (issue #14): its name with its side, and the cross-training and strength
that spare it. Split from rules/injury.py (issue #19).
"""

from __future__ import annotations

from loadwatch.domain import InjuryPeriod

# What a plan suggests instead of running while injured, sparing the injured site: suggestions
# to clear with a physiotherapist or doctor (loadwatch defaults; non-impact training while
# running is paused: Liem et al. 2013).
_SPARING = {
    "knee front": ("swimming with a pull buoy, or upper-body work", "hip and core strength"),
    "knee side": ("swimming with a pull buoy, or upper-body work", "hip and core strength"),
    "shin": ("swimming or deep-water running (no impact)", "upper-body and core strength"),
    "foot": ("swimming or deep-water running (no impact)", "upper-body and core strength"),
    "achilles": (
        "swimming or easy cycling",
        "upper-body, core and hip strength (calf loading only as your physiotherapist advises)",
    ),
    "hip": ("swimming with a pull buoy, or upper-body work", "upper-body and core strength"),
}
_ANY_SITE = ("swimming or cycling, if it does not hurt", "strength work away from the injury")


def site_name(injury: InjuryPeriod) -> str:
    """'left knee front', 'shin', ...: the location with its side."""
    return f"{injury.side} {injury.location}" if injury.side else injury.location


def sparing(location: str) -> tuple[str, str]:
    """(cross-training, strength) that spare the injured site: suggestions, loadwatch defaults."""
    return _SPARING.get(location, _ANY_SITE)
