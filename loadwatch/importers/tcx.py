"""TCX (Garmin Training Center XML, used by Strava and Polar exports), read with defusedxml.

Totals come from the laps (TotalTimeSeconds, DistanceMeters), cross-checked against the
trackpoints: when the laps carry no distance (some exporters write 0), the trackpoints supply
it; when the first lap's StartTime is more than `CLOCK_MISMATCH_S` away from the first
trackpoint, the two clocks are not mixed and the trackpoints' span is the elapsed time. A
`<MultiSportSession>` gives one activity per sport leg (transitions dropped); a `<Courses>` file
is a planned route and is refused. Moving time and ascent are defined in `_totals`.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from loadwatch.domain import ParsedActivity, SourceFormat, Sport, SportSource
from loadwatch.errors import EmptyActivityError, UnsupportedFileError
from loadwatch.importers._sport import (
    TCX_SPORTS,
    Evidence,
    infer_sport,
    names_virtual_world,
)
from loadwatch.importers._totals import (
    ascent_descent_m,
    moving_s,
    reconciled_s,
    step_distances_m,
)
from loadwatch.importers._xml import (
    is_number_text,
    local_name,
    namespace,
    parse_float,
    parse_time,
    parse_xml,
)
from loadwatch.importers.samples import Row, TrackSamples, from_rows

CLOCK_MISMATCH_S = 10 * 60  # a lap start this far from its trackpoints is another clock


def parse(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
    """Parse every recorded activity of a TCX file.

    Args:
        data: the file's bytes.
        filename: used in error messages only.

    Returns:
        One activity per <Activity>, and per sport leg of a <MultiSportSession>: distance
        (metres) from the laps, duration (seconds) from the start to the last trackpoint,
        moving time the sum of lap TotalTimeSeconds (from the trackpoints when no lap gives
        it). Times are UTC; `utc_offset_s` is None.

    Raises:
        CorruptFileError: not well-formed XML, or totals that contradict each other.
        InputError: entity declarations (unsafe).
        UnsupportedFileError: XML that is not TCX; a course or a workout (planned, not recorded).
        EmptyActivityError: no activity or no laps.
    """
    root = parse_xml(data, filename, "TCX")
    if local_name(root.tag) != "TrainingCenterDatabase":
        raise UnsupportedFileError(f"{filename!r} is XML but not TCX (root element {root.tag!r})")
    ns = namespace(root)
    activities: list[ET.Element] = []
    for container in root.findall(f"{ns}Activities"):
        for child in container:
            if child.tag == f"{ns}Activity":
                activities.append(child)
            elif child.tag == f"{ns}MultiSportSession":
                # FirstSport/Activity, then NextSport/Activity; NextSport/Transition is dropped.
                activities.extend(child.iter(f"{ns}Activity"))
    if not activities:
        if root.find(f"{ns}Courses/{ns}Course") is not None:
            raise UnsupportedFileError(
                f"{filename!r} is a course (a planned route), not a recorded activity; "
                "export the recorded activity instead"
            )
        if root.find(f"{ns}Workouts/{ns}Workout") is not None:
            raise UnsupportedFileError(
                f"{filename!r} is a workout (a planned session), not a recorded activity; "
                "export the recorded activity instead"
            )
        raise EmptyActivityError(
            f"{filename!r} holds no recorded activity (no <Activity>); there is nothing to import"
        )
    return tuple(_activity(a, ns, root, filename) for a in activities)


def _activity(activity: ET.Element, ns: str, root: ET.Element, filename: str) -> ParsedActivity:
    laps = activity.findall(f"{ns}Lap")
    if not laps:
        raise EmptyActivityError(f"{filename!r} has an activity without laps; nothing to import")
    lap_start = parse_time(laps[0].get("StartTime")) or parse_time(activity.findtext(f"{ns}Id"))
    lap_times = [_lap_value(lap.findtext(f"{ns}TotalTimeSeconds")) for lap in laps]
    lap_time_s = sum(t for t in lap_times if t is not None)
    lap_distances = [_lap_value(lap.findtext(f"{ns}DistanceMeters")) or 0.0 for lap in laps]
    lap_distance_m = sum(lap_distances)
    points = _trackpoints(activity, ns)
    _check_enough_points(points, filename)
    seconds = np.array(sorted(points.times), dtype=float)
    started = _started(lap_start, seconds, filename)
    elapsed_s = max(float(seconds[-1]) - started.timestamp(), 0.0) if seconds.size else lap_time_s
    computed_moving = points.moving_s()
    if all(t is None for t in lap_times):
        lap_time_s = computed_moving if seconds.size > 1 else elapsed_s
    if seconds.size < 2:
        elapsed_s = max(elapsed_s, lap_time_s)  # a summary without a track: the laps' clock
    moving, elapsed_s = reconciled_s(
        filename, lap_time_s, elapsed_s, what="lap timer", lift_elapsed=True
    )
    distance_m = lap_distance_m if lap_distance_m > 0 else points.distance()
    device = activity.findtext(f"{ns}Creator/{ns}Name") or root.findtext(f"{ns}Author/{ns}Name")
    sport, source = _sport(
        activity.get("Sport"),
        Evidence(
            distance_m=distance_m,
            moving_s=moving,
            has_positions=points.first_position is not None,
            lap_distances_m=lap_distances,
        ),
    )
    virtual = names_virtual_world(device)
    ascent, descent = ascent_descent_m(points.altitudes())
    start = None if virtual else points.first_position
    return ParsedActivity(
        sport=sport,
        sub_sport=None,
        started_at=started,
        utc_offset_s=None,
        distance_m=distance_m,
        duration_s=elapsed_s,
        moving_s=moving,
        ascent_m=ascent,
        descent_m=descent,
        avg_hr_bpm=_average_hr(laps, ns) or points.average_hr(),
        avg_cadence_spm=_run_cadence_spm(laps) if sport is Sport.RUN else None,
        device=device,
        source_format=SourceFormat.TCX,
        start_lat=start[0] if start else None,
        start_lon=start[1] if start else None,
        skipped_records=points.dropped,
        sport_source=source,
        is_device_file=False,
        has_samples=points.has_samples,
        is_virtual=virtual,
    )


def _check_enough_points(points: _Track, filename: str) -> None:
    """EmptyActivityError when dropping impossible trackpoints left fewer than two."""
    if points.dropped and points.kept < 2:
        raise EmptyActivityError(
            f"{filename!r} has {points.kept} usable trackpoint(s) after dropping "
            f"{points.dropped} with an impossible time, position, altitude, distance or heart "
            "rate; at least two are needed"
        )


def _started(lap_start: datetime | None, seconds: np.ndarray, filename: str) -> datetime:
    """The first lap's start, unless the trackpoints' clock disagrees: then the first point."""
    if lap_start is None and seconds.size == 0:
        raise EmptyActivityError(f"{filename!r} has no readable start time")
    if lap_start is not None and not (
        seconds.size and abs(lap_start.timestamp() - seconds[0]) > CLOCK_MISMATCH_S
    ):
        return lap_start
    # never mix the lap clock with the trackpoints' clock
    return datetime.fromtimestamp(float(seconds[0]), tz=UTC)


def _sport(attribute: str | None, evidence: Evidence) -> tuple[Sport, SportSource]:
    """TCX `Sport`: Running and Biking are declared; "Other" is never a run (a swim when the
    evidence says so, else OTHER); a missing or unknown value is inferred."""
    declared = TCX_SPORTS.get((attribute or "").strip().lower())
    if declared is Sport.OTHER:
        if infer_sport(evidence) is Sport.SWIM:
            return Sport.SWIM, SportSource.INFERRED
        return Sport.OTHER, SportSource.DECLARED
    if declared is not None:
        return declared, SportSource.DECLARED
    return infer_sport(evidence), SportSource.INFERRED


def _lap_value(text: str | None) -> float | None:
    """A lap total (seconds or metres): None when absent, not a finite number, or negative."""
    value = parse_float(text)
    return value if value is not None and value >= 0 else None


@dataclass(slots=True)
class _Sample:
    time_s: float | None
    lat: float | None
    lon: float | None
    altitude: float | None
    distance: float | None
    heart_rate: float | None


@dataclass(slots=True)
class _Track:
    samples: list[_Sample] = field(default_factory=list)
    first_position: tuple[float, float] | None = None
    kept: int = 0
    dropped: int = 0
    has_samples: bool = False

    @property
    def times(self) -> list[float]:
        return [s.time_s for s in self.samples if s.time_s is not None]

    def ordered(self) -> list[_Sample]:
        """Timed samples in time order (stable), then the untimed in file order."""
        timed = sorted((s for s in self.samples if s.time_s is not None), key=_time_key)
        return timed + [s for s in self.samples if s.time_s is None]

    def altitudes(self) -> list[float]:
        return [s.altitude for s in self.ordered() if s.altitude is not None]

    def distance(self) -> float:
        """The largest cumulative distance, else the length of the positions (metres)."""
        distances = [s.distance for s in self.samples if s.distance is not None]
        if distances:
            return max(distances)
        lat, lon = self._positions(self.ordered())
        return float(step_distances_m(lat, lon).sum()) if lat.size > 1 else 0.0

    def moving_s(self) -> float:
        """Moving time from the timed trackpoints (positions, else cumulative distances)."""
        timed = [s for s in self.ordered() if s.time_s is not None]
        seconds = np.array([s.time_s for s in timed], dtype=float)
        if seconds.size < 2:
            return 0.0
        if all(s.lat is not None for s in timed):
            lat, lon = self._positions(timed)
            return moving_s(step_distances_m(lat, lon), seconds)
        if all(s.distance is not None for s in timed):
            cumulative = np.array([s.distance for s in timed], dtype=float)
            return moving_s(np.abs(np.diff(cumulative)), seconds)
        return float(seconds[-1] - seconds[0])

    def average_hr(self) -> float | None:
        rates = [s.heart_rate for s in self.samples if s.heart_rate]
        return sum(r for r in rates if r) / len(rates) if rates else None

    @staticmethod
    def _positions(samples: list[_Sample]) -> tuple[np.ndarray, np.ndarray]:
        located = [s for s in samples if s.lat is not None and s.lon is not None]
        return (
            np.array([s.lat for s in located], dtype=float),
            np.array([s.lon for s in located], dtype=float),
        )


def _time_key(sample: _Sample) -> float:
    return sample.time_s if sample.time_s is not None else 0.0


def _trackpoints(activity: ET.Element, ns: str) -> _Track:
    """The usable trackpoints of an activity.

    A trackpoint is dropped (counted in `dropped`) when a value it carries cannot be right: a
    <Time> that is not a real moment, a latitude outside [-90, 90] or longitude outside
    [-180, 180] (or only one of the two), or an altitude, distance or heart rate that is not a
    finite number (a negative distance included). Absent values are fine.
    """
    track = _Track()
    for point in activity.iter(f"{ns}Trackpoint"):
        time_text = point.findtext(f"{ns}Time")
        time = parse_time(time_text)
        lat_text = point.findtext(f"{ns}Position/{ns}LatitudeDegrees")
        lon_text = point.findtext(f"{ns}Position/{ns}LongitudeDegrees")
        lat, lon = parse_float(lat_text), parse_float(lon_text)
        altitude_text = point.findtext(f"{ns}AltitudeMeters")
        distance_text = point.findtext(f"{ns}DistanceMeters")
        distance = parse_float(distance_text)
        hr_text = point.findtext(f"{ns}HeartRateBpm/{ns}Value")
        usable = (
            (time is not None or not (time_text or "").strip())
            and (lat_text is None) == (lon_text is None)
            and (lat_text is None or (lat is not None and lon is not None))
            and (lat is None or -90 <= lat <= 90)
            and (lon is None or -180 <= lon <= 180)
            and is_number_text(altitude_text)
            and is_number_text(distance_text)
            and (distance is None or distance >= 0)
            and is_number_text(hr_text)
        )
        if not usable:
            track.dropped += 1
            continue
        track.kept += 1
        heart_rate = parse_float(hr_text)
        track.samples.append(
            _Sample(
                time_s=time.timestamp() if time is not None else None,
                lat=lat,
                lon=lon,
                altitude=parse_float(altitude_text),
                distance=distance,
                heart_rate=heart_rate if heart_rate and heart_rate > 0 else None,
            )
        )
        if heart_rate or parse_float(point.findtext(f"{ns}Cadence")):
            track.has_samples = True
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


def samples(data: bytes, filename: str) -> TrackSamples:
    """Every timed trackpoint of every activity in the file, for drawing (issue #12).

    Distance is the trackpoint's DistanceMeters; cadence is `<Cadence>` (a bike's rpm) or the
    LX extension's RunCadence (strides per minute). Values that are not finite numbers are
    absent; a trackpoint without a readable time is left out.

    Raises:
        CorruptFileError: not well-formed XML. UnsupportedFileError: not TCX.
        EmptyActivityError: no timed trackpoint.
    """
    root = parse_xml(data, filename, "TCX")
    if local_name(root.tag) != "TrainingCenterDatabase":
        raise UnsupportedFileError(f"{filename!r} is XML but not TCX (root element {root.tag!r})")
    ns = namespace(root)
    rows: list[Row] = []
    for point in root.iter(f"{ns}Trackpoint"):
        time = parse_time(point.findtext(f"{ns}Time"))
        if time is None:
            continue
        lat = _finite(point.findtext(f"{ns}Position/{ns}LatitudeDegrees"))
        lon = _finite(point.findtext(f"{ns}Position/{ns}LongitudeDegrees"))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            lat = lon = math.nan
        cadence = _finite(point.findtext(f"{ns}Cadence"))
        if math.isnan(cadence):
            run_cadence = next(
                (e.text for e in point.iter() if local_name(e.tag) == "RunCadence"), None
            )
            cadence = _finite(run_cadence)
        rows.append(
            (
                time.timestamp(),
                lat,
                lon,
                _finite(point.findtext(f"{ns}DistanceMeters")),
                _finite(point.findtext(f"{ns}AltitudeMeters")),
                _finite(point.findtext(f"{ns}HeartRateBpm/{ns}Value")),
                cadence,
            )
        )
    return from_rows(rows, filename)


def _finite(text: str | None) -> float:
    value = parse_float(text)
    return value if value is not None else math.nan
