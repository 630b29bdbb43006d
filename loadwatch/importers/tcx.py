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
from dataclasses import dataclass, replace
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
    glitch_note,
    glitches,
    moving_s,
    reconciled_s,
    step_distances_m,
)
from loadwatch.importers._xml import (
    XmlElement,
    float_column,
    local_name,
    namespace,
    parse_float,
    parse_time,
    parse_xml,
    parse_xml_pruned,
    point_texts,
    posix_seconds,
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
    read: dict[XmlElement, list[_Track]] = {}  # a large file's points, read as it streams
    root = _parse_streamed(data, filename, read)
    if local_name(root.tag) != "TrainingCenterDatabase":
        raise UnsupportedFileError(f"{filename!r} is XML but not TCX (root element {root.tag!r})")
    ns = namespace(root)
    activities: list[XmlElement] = []
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
    return tuple(_activity(a, ns, root, filename, read.pop(a, [])) for a in activities)


def _parse_streamed(data: bytes, filename: str, read: dict[XmlElement, list[_Track]]) -> XmlElement:
    """The document's tree, a large file's trackpoints taken out as they stream (issue #23):
    each activity's trackpoints read so far (`_track_columns`) go into `read`, the rest stay in
    the tree (`_xml.parse_xml_pruned`)."""
    names: dict[str, str] = {}
    owners: dict[XmlElement, XmlElement | None] = {}  # a <Track> -> its <Activity>

    def owner(point: XmlElement) -> XmlElement | None:
        if "ns" not in names:
            names["ns"] = namespace(point.getroottree().getroot())
        ns = names["ns"]
        if point.tag != f"{ns}Trackpoint":
            return None
        parent = point.getparent()
        if parent not in owners:
            owners[parent] = next(point.iterancestors(f"{ns}Activity"), None)
        return owners[parent]

    def consume(activity: XmlElement, points: list[XmlElement]) -> None:
        read.setdefault(activity, []).append(_track_columns(activity, names["ns"], points))

    return parse_xml_pruned(data, filename, "TCX", "{*}Trackpoint", owner, consume)


def _activity(
    activity: XmlElement, ns: str, root: XmlElement, filename: str, read: list[_Track]
) -> ParsedActivity:
    laps = activity.findall(f"{ns}Lap")
    if not laps:
        raise EmptyActivityError(f"{filename!r} has an activity without laps; nothing to import")
    lap_start = parse_time(laps[0].get("StartTime")) or parse_time(activity.findtext(f"{ns}Id"))
    lap_times = [_lap_value(lap.findtext(f"{ns}TotalTimeSeconds")) for lap in laps]
    lap_time_s = sum(t for t in lap_times if t is not None)
    lap_distances = [_lap_value(lap.findtext(f"{ns}DistanceMeters")) or 0.0 for lap in laps]
    lap_distance_m = sum(lap_distances)
    points = _trackpoints(activity, ns, read)
    _check_enough_points(points, filename)
    seconds = np.sort(points.times)
    started = _started(lap_start, seconds, filename)
    elapsed_s = max(float(seconds[-1]) - started.timestamp(), 0.0) if seconds.size else lap_time_s
    computed_moving = points.moving_s()
    if all(t is None for t in lap_times):
        lap_time_s = computed_moving if seconds.size > 1 else elapsed_s
    if seconds.size < 2:
        elapsed_s = max(elapsed_s, lap_time_s)  # a summary without a track: the laps' clock
    # Laps that outlast their points (a lap started before its first point, a pool swim's or a
    # converted file's few points): the laps' time is kept and the activity says so (#26).
    moving, elapsed_s, repair = reconciled_s(
        lap_time_s,
        elapsed_s,
        kept="the lap's" if len(laps) == 1 else "the laps'",
        covered="its points cover",
        lift_elapsed=True,
    )
    distance_m = lap_distance_m if lap_distance_m > 0 else points.distance_m()
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
        repairs=(*points.repairs, *((repair,) if repair else ())),
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
class _Track:
    """An activity's usable trackpoints in file order, one entry per point in every array
    (NaN where a point has no such value)."""

    time_s: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    altitude: np.ndarray
    distance: np.ndarray
    heart_rate: np.ndarray  # bpm, NaN where absent or not above 0
    dropped: int = 0
    has_samples: bool = False
    repairs: tuple[str, ...] = ()

    @property
    def kept(self) -> int:
        return int(self.time_s.size)

    @property
    def first_position(self) -> tuple[float, float] | None:
        located = np.flatnonzero(~np.isnan(self.lat) & ~np.isnan(self.lon))
        if not located.size:
            return None
        return float(self.lat[located[0]]), float(self.lon[located[0]])

    @property
    def times(self) -> np.ndarray:
        return np.asarray(self.time_s[~np.isnan(self.time_s)])

    def keep(self, mask: np.ndarray) -> _Track:
        return replace(
            self,
            time_s=self.time_s[mask],
            lat=self.lat[mask],
            lon=self.lon[mask],
            altitude=self.altitude[mask],
            distance=self.distance[mask],
            heart_rate=self.heart_rate[mask],
        )

    def ordered(self) -> _Track:
        """Timed points in time order (stable), then the untimed in file order."""
        timed = ~np.isnan(self.time_s)
        order = np.concatenate(
            (
                np.flatnonzero(timed)[np.argsort(self.time_s[timed], kind="stable")],
                np.flatnonzero(~timed),
            )
        )
        return self.keep(order)

    def altitudes(self) -> list[float]:
        altitude = self.ordered().altitude
        return [float(a) for a in altitude[~np.isnan(altitude)]]

    def distance_m(self) -> float:
        """The largest cumulative distance, else the length of the positions (metres)."""
        distances = self.distance[~np.isnan(self.distance)]
        if distances.size:
            return float(distances.max())
        ordered = self.ordered()
        located = ~np.isnan(ordered.lat) & ~np.isnan(ordered.lon)
        if np.count_nonzero(located) < 2:
            return 0.0
        return float(step_distances_m(ordered.lat[located], ordered.lon[located]).sum())

    def moving_s(self) -> float:
        """Moving time from the timed trackpoints (positions, else cumulative distances)."""
        ordered = self.ordered()
        timed = ordered.keep(~np.isnan(ordered.time_s))
        seconds = timed.time_s
        if seconds.size < 2:
            return 0.0
        if not np.isnan(timed.lat).any():
            return moving_s(step_distances_m(timed.lat, timed.lon), seconds)
        if not np.isnan(timed.distance).any():
            return moving_s(np.abs(np.diff(timed.distance)), seconds)
        return float(seconds[-1] - seconds[0])

    def average_hr(self) -> float | None:
        rates = self.heart_rate[~np.isnan(self.heart_rate)]
        return float(rates.mean()) if rates.size else None


# Trackpoint values: name -> (tag, levels below the <Trackpoint>).
_VALUES = {
    "time": ("Time", 1),
    "lat": ("LatitudeDegrees", 2),
    "lon": ("LongitudeDegrees", 2),
    "altitude": ("AltitudeMeters", 1),
    "distance": ("DistanceMeters", 1),
    "heart_rate": ("Value", 2),  # HeartRateBpm/Value
    "cadence": ("Cadence", 1),
}
_PATHS = {
    "time": "Time",
    "lat": "Position/LatitudeDegrees",
    "lon": "Position/LongitudeDegrees",
    "altitude": "AltitudeMeters",
    "distance": "DistanceMeters",
    "heart_rate": "HeartRateBpm/Value",
    "cadence": "Cadence",
}


def _trackpoints(activity: XmlElement, ns: str, read: list[_Track]) -> _Track:
    """The usable trackpoints of an activity: those `read` while the file streamed, then those
    still in the tree (`_track_columns`). A few trackpoints dated years away from the rest are
    dropped, and the activity says so (`glitches`).
    """
    remaining = list(activity.iter(f"{ns}Trackpoint"))
    parts = [*read, _track_columns(activity, ns, remaining)] if remaining or not read else read
    track = parts[0]
    if len(parts) > 1:

        def joined(name: str) -> np.ndarray:
            return np.concatenate([getattr(p, name) for p in parts])

        track = _Track(
            time_s=joined("time_s"),
            lat=joined("lat"),
            lon=joined("lon"),
            altitude=joined("altitude"),
            distance=joined("distance"),
            heart_rate=joined("heart_rate"),
            dropped=sum(p.dropped for p in parts),
            has_samples=any(p.has_samples for p in parts),
        )
    glitched = glitches(track.time_s)
    if glitched.any():
        kept_s = track.time_s[~glitched & ~np.isnan(track.time_s)]
        note = glitch_note(track.time_s[glitched], kept_s, "trackpoint")
        track = replace(track.keep(~glitched), repairs=(note,))
    return track


def _track_columns(activity: XmlElement, ns: str, points: list[XmlElement]) -> _Track:
    """Trackpoints of an activity (`points`: all of them or some), a column at a time (issue
    #26) when every trackpoint carries each value once or none does, else point by point
    (`_point_rows`).

    A trackpoint is dropped (counted in `dropped`) when a value it carries cannot be right: a
    <Time> that is not a real moment, a latitude outside [-90, 90] or longitude outside
    [-180, 180] (or only one of the two), or an altitude, distance or heart rate that is not a
    finite number (a negative distance included). Absent values are fine.
    """
    columns = _value_columns(activity, ns, points)
    texts = columns if columns is not None else _point_rows(points, ns)
    count = len(texts["time"])
    time_text = [(t or "").strip() or None for t in texts["time"]]
    time_s = posix_seconds(time_text)
    lat, bad_lat = float_column([t or "" for t in texts["lat"]])
    lon, bad_lon = float_column([t or "" for t in texts["lon"]])
    altitude, bad_altitude = float_column([t or "" for t in texts["altitude"]])
    distance, bad_distance = float_column([t or "" for t in texts["distance"]])
    heart_rate, bad_heart_rate = float_column([t or "" for t in texts["heart_rate"]])
    cadence, _ = float_column([t or "" for t in texts["cadence"]])
    has_lat = np.array([t is not None for t in texts["lat"]], dtype=bool)
    has_lon = np.array([t is not None for t in texts["lon"]], dtype=bool)
    bad_lat |= has_lat & np.isnan(lat)  # a position must hold both numbers
    bad_lon |= has_lon & np.isnan(lon)
    untimed_ok = np.array([t is None for t in time_text], dtype=bool)
    usable = (
        (~np.isnan(time_s) | untimed_ok)
        & (has_lat == has_lon)
        & ~bad_lat
        & ~bad_lon
        & (np.isnan(lat) | (np.abs(lat) <= 90))
        & (np.isnan(lon) | (np.abs(lon) <= 180))
        & ~bad_altitude
        & ~bad_distance
        & ~(distance < 0)
        & ~bad_heart_rate
    )
    has_samples = bool(
        np.any(usable & ((np.nan_to_num(heart_rate) != 0) | (np.nan_to_num(cadence) != 0)))
    )
    heart_rate[~(heart_rate > 0)] = np.nan
    return _Track(
        time_s=time_s,
        lat=lat,
        lon=lon,
        altitude=altitude,
        distance=distance,
        heart_rate=heart_rate,
        dropped=count - int(np.count_nonzero(usable)),
        has_samples=has_samples,
    ).keep(usable)


def _value_columns(
    activity: XmlElement, ns: str, points: list[XmlElement]
) -> dict[str, list[str | None]] | None:
    """Every trackpoint value as a column of texts (None where absent), or None when some
    trackpoint carries a value twice."""
    columns: dict[str, list[str | None]] = {}
    index = {point: i for i, point in enumerate(points)}
    for name, (tag, depth) in _VALUES.items():
        texts = point_texts(activity, points, f"{ns}{tag}", depth, index)
        if texts is None:
            return None
        columns[name] = texts
    return columns


def _point_rows(points: list[XmlElement], ns: str) -> dict[str, list[str | None]]:
    """`_value_columns` one trackpoint at a time: the first value of each, None where absent."""
    columns: dict[str, list[str | None]] = {name: [] for name in _PATHS}
    paths = {name: ns + path.replace("/", "/" + ns) for name, path in _PATHS.items()}
    for point in points:
        for name, path in paths.items():
            element = point.find(path)
            columns[name].append(None if element is None else (element.text or ""))
    return columns


def _average_hr(laps: list[XmlElement], ns: str) -> float | None:
    """Lap average heart rates weighted by lap time (bpm)."""
    total = weight = 0.0
    for lap in laps:
        hr = parse_float(lap.findtext(f"{ns}AverageHeartRateBpm/{ns}Value"))
        seconds = _lap_value(lap.findtext(f"{ns}TotalTimeSeconds")) or 0.0
        if hr and hr > 0:
            total += hr * seconds
            weight += seconds
    return total / weight if weight else None


def _run_cadence_spm(laps: list[XmlElement]) -> float | None:
    """Garmin's LX extension AvgRunCadence is strides (one foot) per minute; steps = 2x."""
    values = [parse_float(e.text) for lap in laps for e in lap.iter("{*}AvgRunCadence")]
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
