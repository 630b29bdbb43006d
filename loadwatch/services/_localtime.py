"""An activity's local time from the best evidence (RULES.md; issue #10 item 5).

1. Where the activity has a real GPS position: the zone at that position (timezonefinder, offline).
   The file's own local offset is kept when it agrees with that zone; when it does not (a watch
   still on last trip's zone, a "+00:00" written by an exporter, a "+00:15" that exists nowhere),
   the position wins.
2. Without a position (treadmill, pool, a virtual ride whose coordinates are in a game world):
   the file's own offset when it is one the tz database really uses at that moment.
3. Else the athlete's home zone (by default the machine's, see services.athletes).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import tzlocal
from timezonefinder import TimezoneFinder

from loadwatch.domain import ParsedActivity


@lru_cache(maxsize=1)
def _timezone_finder() -> TimezoneFinder:
    return TimezoneFinder()


def zone_at(lat: float, lon: float) -> ZoneInfo | None:
    """The IANA zone at a position (None at sea or where the lookup finds none)."""
    name = _timezone_finder().timezone_at(lat=lat, lng=lon)
    return _zone(name) if name else None


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _offset_s(zone: ZoneInfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset else 0


@lru_cache(maxsize=64)
def _offsets_in_use(day_ordinal: int) -> frozenset[int]:
    """Every UTC offset (seconds) some zone of the tz database uses on that day (at noon UTC)."""
    moment = datetime.fromordinal(day_ordinal).replace(hour=12, tzinfo=ZoneInfo("UTC"))
    zones = (_zone(name) for name in available_timezones())
    return frozenset(_offset_s(zone, moment) for zone in zones if zone is not None)


def is_real_offset(offset_s: int, moment: datetime) -> bool:
    """True when some zone uses this offset around `moment` (+00:15 is used nowhere)."""
    day = moment.toordinal()
    return any(offset_s in _offsets_in_use(d) for d in (day - 1, day, day + 1))


def local_offset_s(parsed: ParsedActivity, home_tz: str) -> int:
    """The activity's local UTC offset in seconds, from the best evidence (module docstring)."""
    stated = parsed.utc_offset_s
    has_position = (
        not parsed.is_virtual and parsed.start_lat is not None and parsed.start_lon is not None
    )
    if has_position:
        zone = zone_at(parsed.start_lat, parsed.start_lon)  # type: ignore[arg-type]
        if zone is not None:
            return _offset_s(zone, parsed.started_at)
    if stated is not None and is_real_offset(stated, parsed.started_at):
        return stated
    home = _zone(home_tz) or ZoneInfo("UTC")
    return _offset_s(home, parsed.started_at)


def default_home_tz() -> str:
    """The home time zone a new athlete gets: this machine's zone (an IANA name such as
    'Europe/Zurich'), or 'UTC' when the machine's zone is unknown or not in the tz database.

    Files with no zone of their own (no GPS, no stated offset) are placed in the athlete's home
    zone; the runner can change it in the settings (`loadwatch settings --home-tz`).
    """
    try:
        name = tzlocal.get_localzone_name()
    except (LookupError, ValueError, OSError):  # conflicting or unreadable zone configuration
        return "UTC"
    if not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def local_day(started_at: datetime, utc_offset_s: int) -> date:
    """The local calendar day an activity belongs to (RULES.md: weeks are local)."""
    return (started_at + timedelta(seconds=utc_offset_s)).date()
