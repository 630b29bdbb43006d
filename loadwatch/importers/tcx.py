"""TCX (Garmin Training Center XML, used by Strava and Polar exports), read with defusedxml.

Totals come from the laps (TotalTimeSeconds, DistanceMeters), cross-checked against the last
trackpoint's cumulative distance: when the laps carry no distance (some exporters write 0), the
trackpoints supply it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from loadwatch.domain import ParsedActivity, SourceFormat, Sport
from loadwatch.errors import EmptyActivityError, UnsupportedFileError
from loadwatch.importers._xml import local_name, namespace, parse_float, parse_time, parse_xml
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
    lap_time_s = sum(parse_float(lap.findtext(f"{ns}TotalTimeSeconds")) or 0.0 for lap in laps)
    lap_distance_m = sum(parse_float(lap.findtext(f"{ns}DistanceMeters")) or 0.0 for lap in laps)
    last_time = started
    track_distance_m = 0.0
    altitudes: list[float] = []
    first_position: tuple[float, float] | None = None
    for point in activity.iter(f"{ns}Trackpoint"):
        time = parse_time(point.findtext(f"{ns}Time"))
        if time is not None and time > last_time:
            last_time = time
        distance = parse_float(point.findtext(f"{ns}DistanceMeters"))
        if distance is not None and distance > track_distance_m:
            track_distance_m = distance
        altitude = parse_float(point.findtext(f"{ns}AltitudeMeters"))
        if altitude is not None:
            altitudes.append(altitude)
        if first_position is None:
            lat = parse_float(point.findtext(f"{ns}Position/{ns}LatitudeDegrees"))
            lon = parse_float(point.findtext(f"{ns}Position/{ns}LongitudeDegrees"))
            if lat is not None and lon is not None:
                first_position = (lat, lon)
    distance_m = lap_distance_m if lap_distance_m > 0 else track_distance_m
    elapsed_s = (last_time - started).total_seconds()
    sport_name = (activity.get("Sport") or "").lower()
    sport = _SPORTS.get(sport_name, Sport.OTHER)
    ascent = descent = None
    if altitudes:
        ascent, descent = elevation_gain_loss_m(altitudes)
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
        start_lat=first_position[0] if first_position else None,
        start_lon=first_position[1] if first_position else None,
        has_sport=sport_name in _SPORTS,
    )


def _average_hr(laps: list[ET.Element], ns: str) -> float | None:
    """Lap average heart rates weighted by lap time (bpm)."""
    total = weight = 0.0
    for lap in laps:
        hr = parse_float(lap.findtext(f"{ns}AverageHeartRateBpm/{ns}Value"))
        seconds = parse_float(lap.findtext(f"{ns}TotalTimeSeconds")) or 0.0
        if hr:
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
    numbers = [v for v in values if v]
    return 2.0 * sum(numbers) / len(numbers) if numbers else None
