"""GPX tracks: the ONLY module that imports gpxpy.

The XML is read with defusedxml (entity bombs and external entities refused) and the points go
into NumPy arrays; the geometry is gpxpy's own: `gpxpy.geo` constants, its distance formula
(flat-earth for close points, haversine beyond 0.2 degrees) vectorised, and its elevation
smoothing `calculate_uphill_downhill`. Distance is identical to `gpxpy.parse(...).length_2d()`
(tested on every corpus file) at several times its speed (issue #5).

GPS noise and pauses:
- Distance is the sum over consecutive points *within* a segment, as gpxpy does; the gap between
  segments (a paused recording) is not bridged.
- Moving time counts only steps whose speed reaches `STOPPED_SPEED_M_PER_S`: standing at a light
  while the GPS jitters adds no moving time, and neither does a long gap inside a segment.
- Elevation gain and loss use gpxpy's 3-point smoothing (0.3, 0.4, 0.3), which damps altimeter
  and GPS-altitude noise.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from gpxpy import geo

from loadwatch.domain import ParsedActivity, SourceFormat, Sport
from loadwatch.errors import EmptyActivityError, UnsupportedFileError
from loadwatch.importers._xml import (
    is_number_text,
    namespace,
    parse_float,
    parse_time,
    parse_xml,
)

STOPPED_SPEED_M_PER_S = 0.5  # below 1.8 km/h a runner is standing; GPS drift is about this size
_FAR_DEGREES = 0.2  # gpxpy.geo.distance switches to haversine beyond this

# <type> values seen in exports; Strava's older GPX files use its numeric activity codes.
_TYPES: dict[str, Sport] = {
    "running": Sport.RUN,
    "run": Sport.RUN,
    "trail running": Sport.RUN,
    "trail_running": Sport.RUN,
    "9": Sport.RUN,
    "cycling": Sport.RIDE,
    "biking": Sport.RIDE,
    "ride": Sport.RIDE,
    "1": Sport.RIDE,
    "walking": Sport.WALK,
    "walk": Sport.WALK,
    "hiking": Sport.HIKE,
    "hike": Sport.HIKE,
    "swimming": Sport.SWIM,
    "swim": Sport.SWIM,
}


def segment_length_m(lat: np.ndarray, lon: np.ndarray) -> float:
    """2D length of one segment in metres, exactly as `gpxpy.geo.length_2d` computes it."""
    if lat.size < 2:
        return 0.0
    lat_cur, lat_prev, lon_cur, lon_prev = lat[1:], lat[:-1], lon[1:], lon[:-1]
    d_lat = lat_cur - lat_prev
    d_lon = lon_cur - lon_prev
    flat = np.sqrt(d_lat**2 + (d_lon * np.cos(np.radians(lat_cur))) ** 2) * geo.ONE_DEGREE
    far = (np.abs(d_lat) > _FAR_DEGREES) | (np.abs(d_lon) > _FAR_DEGREES)
    if far.any():
        r_cur, r_prev = np.radians(lat_cur), np.radians(lat_prev)
        a = np.sin((r_cur - r_prev) / 2) ** 2 + np.sin(np.radians(d_lon) / 2) ** 2 * np.cos(
            r_cur
        ) * np.cos(r_prev)
        flat = np.where(far, geo.EARTH_RADIUS * 2 * np.arcsin(np.sqrt(a)), flat)
    return float(flat.sum())


def elevation_gain_loss_m(elevations: list[float]) -> tuple[float, float]:
    """Ascent and descent (metres) after gpxpy's 3-point smoothing; shared with the TCX importer."""
    values: list[float | None] = list(elevations)
    up, down = geo.calculate_uphill_downhill(values)
    return float(up), float(down)


def step_distances_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Per-step flat-earth distances (metres) between consecutive points, for moving time."""
    d_lat = np.diff(lat)
    d_lon = np.diff(lon) * np.cos(np.radians(lat[1:]))
    return np.asarray(np.sqrt(d_lat**2 + d_lon**2) * geo.ONE_DEGREE)


def parse(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
    """Parse a GPX track into one `ParsedActivity` (all tracks and segments together).

    Naive timestamps are read as UTC. `utc_offset_s` is None (GPX carries UTC only); the
    service derives it from the start coordinates.

    Args:
        data: the file's bytes.
        filename: used in error messages only.

    Returns:
        A one-element tuple. distance (metres) per the module docstring; duration (seconds)
        from the first to the last timestamp; moving time (seconds); ascent/descent (metres)
        or None without elevations.

    Raises:
        CorruptFileError: not well-formed XML. InputError: entity declarations (unsafe).
        UnsupportedFileError: not a GPX document, or a route (a planned course) with no track.
        EmptyActivityError: no track points, a track without timestamps, or fewer than two
            timed points left after dropping impossible ones (see `_points`).
    """
    root = parse_xml(data, filename, "GPX")
    ns = namespace(root)
    if root.tag != f"{ns}gpx":
        raise UnsupportedFileError(f"{filename!r} is XML but not GPX (root element {root.tag!r})")
    segments = [
        seg.findall(f"{ns}trkpt")
        for trk in root.iter(f"{ns}trk")
        for seg in trk.iter(f"{ns}trkseg")
    ]
    segments = [points for points in segments if points]
    if not segments:
        if root.find(f"{ns}rte/{ns}rtept") is not None:
            raise UnsupportedFileError(
                f"{filename!r} is a GPX route (a planned course), not a recorded track; "
                "export the recorded activity instead"
            )
        raise EmptyActivityError(f"{filename!r} has no track points; there is no run to import")
    return (_track(root, ns, segments, filename),)


def _track(
    root: ET.Element, ns: str, segments: list[list[ET.Element]], filename: str
) -> ParsedActivity:
    distance_m = 0.0
    moving_s = 0.0
    ascent_m = descent_m = 0.0
    has_elevation = False
    first: datetime | None = None
    last: datetime | None = None
    skipped = timed_points = 0
    heart_rates: list[float] = []
    start: tuple[float, float] | None = None
    for element_points in segments:
        points = _points(element_points, ns)
        skipped += points.skipped
        if points.lat.size == 0:
            continue
        if start is None:
            start = (float(points.lat[0]), float(points.lon[0]))
        distance_m += segment_length_m(points.lat, points.lon)
        timed = ~np.isnan(points.time_s)
        if timed.any():
            seconds = points.time_s[timed]
            timed_points += seconds.size
            first_s, last_s = float(seconds[0]), float(seconds[-1])
            first = min(first, _utc(first_s)) if first else _utc(first_s)
            last = max(last, _utc(last_s)) if last else _utc(last_s)
            moving_s += _moving_s(points.lat[timed], points.lon[timed], seconds)
        if points.elevations:
            has_elevation = True
            up, down = elevation_gain_loss_m(points.elevations)
            ascent_m += up
            descent_m += down
        heart_rates.extend(points.heart_rates)
    if skipped and timed_points < 2:
        raise EmptyActivityError(
            f"{filename!r} has {timed_points} usable timed track point(s) after dropping "
            f"{skipped} with a missing or impossible position, time, elevation or heart rate; "
            "at least two are needed"
        )
    if first is None or last is None:
        raise EmptyActivityError(
            f"{filename!r} is a GPX track without timestamps (a drawn or planned course); "
            "only recorded activities can be imported"
        )
    sport_text = (root.findtext(f"{ns}trk/{ns}type") or "").strip().lower()
    sport = _TYPES.get(sport_text)
    return ParsedActivity(
        sport=sport or Sport.RUN,
        sub_sport=None,
        started_at=first,
        utc_offset_s=None,
        distance_m=distance_m,
        duration_s=(last - first).total_seconds(),
        moving_s=moving_s,
        ascent_m=ascent_m if has_elevation else None,
        descent_m=descent_m if has_elevation else None,
        avg_hr_bpm=sum(heart_rates) / len(heart_rates) if heart_rates else None,
        avg_cadence_spm=None,
        device=(root.get("creator") or "").strip() or None,
        source_format=SourceFormat.GPX,
        start_lat=start[0] if start else None,
        start_lon=start[1] if start else None,
        skipped_records=skipped,
        has_sport=sport is not None,
    )


@dataclass(frozen=True, slots=True)
class _Points:
    lat: np.ndarray
    lon: np.ndarray
    time_s: np.ndarray  # POSIX seconds, NaN where a point has no time
    elevations: list[float]
    heart_rates: list[float]
    skipped: int


def _points(elements: list[ET.Element], ns: str) -> _Points:
    """One pass over a segment's <trkpt> elements, keeping only points that can be right.

    A point is dropped (and counted in `skipped`) when its latitude or longitude is missing,
    not a finite number or out of range, when it has a <time> that is not a real moment
    (`NaT`, month 13, a year `datetime` cannot hold), or when its elevation or heart rate is
    present but not a finite number. A point without any <time> is kept for the distance.
    """
    time_tag, ele_tag = f"{ns}time", f"{ns}ele"
    lats: list[float] = []
    lons: list[float] = []
    times: list[str | None] = []
    elevations: list[float | None] = []
    heart_rates: list[list[float]] = []
    skipped = 0
    for point in elements:
        lat, lon = parse_float(point.get("lat")), parse_float(point.get("lon"))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            skipped += 1
            continue
        time_text = elevation_text = None
        rates: list[float] | None = []
        for child in point:
            tag = child.tag
            if tag == time_tag:
                time_text = child.text
            elif tag == ele_tag:
                elevation_text = child.text
            elif tag.endswith("extensions"):
                rates = _heart_rates(child)
        if rates is None or not is_number_text(elevation_text):
            skipped += 1
            continue
        lats.append(lat)
        lons.append(lon)
        times.append(time_text.strip() if time_text and time_text.strip() else None)
        elevations.append(parse_float(elevation_text))
        heart_rates.append(rates)
    time_s = _posix_seconds(times)
    keep = np.array([t is None for t in times], dtype=bool) | ~np.isnan(time_s)
    skipped += int((~keep).sum())
    return _Points(
        lat=np.array(lats, dtype=float)[keep],
        lon=np.array(lons, dtype=float)[keep],
        time_s=time_s[keep],
        elevations=[e for e, k in zip(elevations, keep, strict=True) if k and e is not None],
        heart_rates=[r for rs, k in zip(heart_rates, keep, strict=True) if k for r in rs],
        skipped=skipped,
    )


# POSIX seconds of the first and last moments a `datetime` can hold: NumPy parses beyond them.
_MIN_POSIX_S = datetime(1, 1, 1, tzinfo=UTC).timestamp()
_MAX_POSIX_S = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()


# What NumPy reads exactly as written: anything else (an offset, a negative or five-digit year,
# a stray character) makes it warn or misread, so it goes through `parse_time`.
_PLAIN_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?Z")


def _posix_seconds(texts: list[str | None]) -> np.ndarray:
    """ISO 8601 times to POSIX seconds (NaN where missing or unreadable); naive means UTC.

    NumPy reads `NaT`, year 12345 and negative years, none of which is a moment a run happened;
    those become NaN, like any other unreadable time.
    """
    if texts and all(t is not None and _PLAIN_UTC.fullmatch(t) for t in texts):
        # The common case (every exporter writes UTC with a Z): NumPy parses in C.
        try:
            stamps = np.array([t[:-1] for t in texts if t is not None], dtype="datetime64[ms]")
        except ValueError:
            pass
        else:
            seconds = stamps.astype("int64") / 1000.0
            bad = np.isnat(stamps) | (seconds < _MIN_POSIX_S) | (seconds > _MAX_POSIX_S)
            return np.where(bad, np.nan, seconds)
    result = np.full(len(texts), np.nan)
    for i, text in enumerate(texts):
        parsed = parse_time(text)
        if parsed is not None:
            result[i] = parsed.timestamp()
    return result


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _moving_s(lat: np.ndarray, lon: np.ndarray, seconds: np.ndarray) -> float:
    if seconds.size < 2:
        return 0.0
    dt = np.diff(seconds)
    step = step_distances_m(lat, lon)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, step / dt, 0.0)
    return float(dt[(dt > 0) & (speed >= STOPPED_SPEED_M_PER_S)].sum())


def _heart_rates(extensions: ET.Element) -> list[float] | None:
    """Heart rate from Garmin's TrackPointExtension (`gpxtpx:hr`), any namespace prefix.

    None when a heart rate is present but not a finite number (the point is dropped).
    """
    values = []
    for element in extensions.iter():
        if element.tag.endswith("}hr") or element.tag == "hr":
            if not is_number_text(element.text):
                return None
            value = parse_float(element.text)
            if value:
                values.append(value)
    return values
