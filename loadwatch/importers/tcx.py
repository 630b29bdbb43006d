"""TCX (Garmin Training Center XML, used by Strava and Polar exports), read with defusedxml.

Totals come from the laps (TotalTimeSeconds, DistanceMeters), cross-checked against the last
trackpoint's cumulative distance: when the laps carry no distance (some exporters write 0), the
trackpoints supply it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime

from loadwatch.domain import ParsedActivity, SourceFormat, Sport
from loadwatch.errors import EmptyActivityError, UnsupportedFileError
from loadwatch.importers._xml import (
    is_number_text,
    local_name,
    namespace,
    parse_float,
    parse_time,
    parse_xml,
)
from loadwatch.importers.gpx import elevation_gain_loss_m

_SPORTS = {"running": Sport.RUN, "biking": Sport.RIDE}


def parse(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
    """Parse every <Activity> of a TCX file.

    Args:
        data: the file's bytes.
        filename: used in error messages only.

    Returns:
        One activity per <Activity>: distance (metres) from the laps, duration (seconds) from
        the first lap start to the last trackpoint (or the sum of lap times), moving time the
        sum of lap TotalTimeSeconds. Times are UTC; `utc_offset_s` is None.

    Raises:
        CorruptFileError: not well-formed XML. InputError: entity declarations (unsafe).
        UnsupportedFileError: XML that is not TCX. EmptyActivityError: no activity or no laps.
    """
    root = parse_xml(data, filename, "TCX")
    if local_name(root.tag) != "TrainingCenterDatabase":
        raise UnsupportedFileError(f"{filename!r} is XML but not TCX (root element {root.tag!r})")
    ns = namespace(root)
    activities = root.findall(f"{ns}Activities/{ns}Activity")
    if not activities:
        raise EmptyActivityError(f"{filename!r} holds no <Activity>; there is no run to import")
    return tuple(_activity(a, ns, root, filename) for a in activities)


def _activity(activity: ET.Element, ns: str, root: ET.Element, filename: str) -> ParsedActivity:
    laps = activity.findall(f"{ns}Lap")
    if not laps:
        raise EmptyActivityError(f"{filename!r} has an activity without laps; nothing to import")
    started = parse_time(laps[0].get("StartTime")) or parse_time(activity.findtext(f"{ns}Id"))
    if started is None:
        raise EmptyActivityError(f"{filename!r} has no readable start time")
    lap_times = [_lap_value(lap.findtext(f"{ns}TotalTimeSeconds")) for lap in laps]
    lap_time_s = sum(t for t in lap_times if t is not None)
    lap_distance_m = sum(_lap_value(lap.findtext(f"{ns}DistanceMeters")) or 0.0 for lap in laps)
    points = _trackpoints(activity, ns, started)
    if points.dropped and points.kept < 2:
        raise EmptyActivityError(
            f"{filename!r} has {points.kept} usable trackpoint(s) after dropping "
            f"{points.dropped} with an impossible time, position, altitude, distance or heart "
            "rate; at least two are needed"
        )
    distance_m = lap_distance_m if lap_distance_m > 0 else points.distance_m
    elapsed_s = (points.last_time - started).total_seconds()
    if all(t is None for t in lap_times):
        lap_time_s = elapsed_s  # no lap says how long it was: the trackpoints' span is all we have
    sport_name = (activity.get("Sport") or "").lower()
    sport = _SPORTS.get(sport_name, Sport.OTHER)
    ascent = descent = None
    if points.altitudes:
        ascent, descent = elevation_gain_loss_m(points.altitudes)
    return ParsedActivity(
        sport=sport,
        sub_sport=None,
        started_at=started,
        utc_offset_s=None,
        distance_m=distance_m,
        duration_s=max(elapsed_s, lap_time_s),
        moving_s=lap_time_s,
        ascent_m=ascent,
        descent_m=descent,
        avg_hr_bpm=_average_hr(laps, ns),
        avg_cadence_spm=_run_cadence_spm(laps) if sport is Sport.RUN else None,
        device=activity.findtext(f"{ns}Creator/{ns}Name") or root.findtext(f"{ns}Author/{ns}Name"),
        source_format=SourceFormat.TCX,
        start_lat=points.first_position[0] if points.first_position else None,
        start_lon=points.first_position[1] if points.first_position else None,
        skipped_records=points.dropped,
        has_sport=sport_name in _SPORTS,
    )


def _lap_value(text: str | None) -> float | None:
    """A lap total (seconds or metres): None when absent, not a finite number, or negative."""
    value = parse_float(text)
    return value if value is not None and value >= 0 else None


@dataclass(slots=True)
class _Track:
    last_time: datetime
    distance_m: float = 0.0
    altitudes: list[float] = field(default_factory=list)
    first_position: tuple[float, float] | None = None
    kept: int = 0
    dropped: int = 0


def _trackpoints(activity: ET.Element, ns: str, started: datetime) -> _Track:
    """The usable trackpoints of an activity, reduced to what the totals need.

    A trackpoint is dropped (counted in `dropped`) when a value it carries cannot be right: a
    <Time> that is not a real moment, a latitude outside [-90, 90] or longitude outside
    [-180, 180] (or only one of the two), or an altitude, distance or heart rate that is not a
    finite number (a negative distance included). Absent values are fine.
    """
    track = _Track(last_time=started)
    for point in activity.iter(f"{ns}Trackpoint"):
        time_text = point.findtext(f"{ns}Time")
        time = parse_time(time_text)
        lat_text = point.findtext(f"{ns}Position/{ns}LatitudeDegrees")
        lon_text = point.findtext(f"{ns}Position/{ns}LongitudeDegrees")
        lat, lon = parse_float(lat_text), parse_float(lon_text)
        altitude_text = point.findtext(f"{ns}AltitudeMeters")
        distance_text = point.findtext(f"{ns}DistanceMeters")
        distance = parse_float(distance_text)
        usable = (
            (time is not None or not (time_text or "").strip())
            and (lat_text is None) == (lon_text is None)
            and (lat_text is None or (lat is not None and lon is not None))
            and (lat is None or -90 <= lat <= 90)
            and (lon is None or -180 <= lon <= 180)
            and is_number_text(altitude_text)
            and is_number_text(distance_text)
            and (distance is None or distance >= 0)
            and is_number_text(point.findtext(f"{ns}HeartRateBpm/{ns}Value"))
        )
        if not usable:
            track.dropped += 1
            continue
        track.kept += 1
        if time is not None and time > track.last_time:
            track.last_time = time
        if distance is not None and distance > track.distance_m:
            track.distance_m = distance
        altitude = parse_float(altitude_text)
        if altitude is not None:
            track.altitudes.append(altitude)
        if track.first_position is None and lat is not None and lon is not None:
            track.first_position = (lat, lon)
    return track


def _average_hr(laps: list[ET.Element], ns: str) -> float | None:
    """Lap average heart rates weighted by lap time (bpm)."""
    total = weight = 0.0
    for lap in laps:
        hr = parse_float(lap.findtext(f"{ns}AverageHeartRateBpm/{ns}Value"))
        seconds = _lap_value(lap.findtext(f"{ns}TotalTimeSeconds")) or 0.0
        if hr and hr > 0:
            total += hr * seconds
            weight += seconds
    return total / weight if weight else None


def _run_cadence_spm(laps: list[ET.Element]) -> float | None:
    """Garmin's LX extension AvgRunCadence is strides (one foot) per minute; steps = 2x."""
    values = [
        parse_float(e.text)
        for lap in laps
        for e in lap.iter()
        if local_name(e.tag) == "AvgRunCadence"
    ]
    numbers = [v for v in values if v and v > 0]
    return 2.0 * sum(numbers) / len(numbers) if numbers else None
