"""GPX tracks: the ONLY module that imports gpxpy.

The XML is read with defusedxml (entity bombs and external entities refused) and the points go
into NumPy arrays; the geometry is gpxpy's own: `gpxpy.geo` constants, its distance formula
(flat-earth for close points, haversine beyond 0.2 degrees) vectorised, and its elevation
smoothing `calculate_uphill_downhill`. Distance is identical to `gpxpy.parse(...).length_2d()`
(tested on every corpus file) at several times its speed (issue #5).

Tracks, pauses and noise (moving time and ascent are defined once for every format, in
`loadwatch.importers._totals`; the sports in `loadwatch.importers._sport`):
- Distance is the sum over consecutive points *within* a segment, as gpxpy does; the gap between
  segments (a paused recording) is not bridged. Points are sorted by time first.
- Several tracks: less than 30 minutes apart, one activity; further apart, several.
- Moving time counts only steps whose speed reaches 0.5 m/s.
- Elevation gain and loss use gpxpy's 3-point smoothing (0.3, 0.4, 0.3) after dropping spikes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from gpxpy import geo

from loadwatch.domain import ParsedActivity, SourceFormat, Sport
from loadwatch.errors import EmptyActivityError, UnsupportedFileError
from loadwatch.importers._sport import (
    Evidence,
    declared_or_inferred,
    gpx_sport,
    gpx_type_is_virtual,
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
    is_blank,
    namespace,
    parse_float,
    parse_time,
    parse_xml,
    parse_xml_pruned,
    point_texts,
    posix_seconds,
)
from loadwatch.importers.samples import Row, TrackSamples, from_rows

_FAR_DEGREES = 0.2  # gpxpy.geo.distance switches to haversine beyond this


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


def parse(data: bytes, filename: str) -> tuple[ParsedActivity, ...]:
    """Parse a GPX file into one `ParsedActivity` per recorded activity.

    Tracks (`<trk>`) less than `TRACK_GAP_S` (30 minutes) apart are one activity: some devices
    start a new track seconds after the last one. Longer gaps make separate activities, each
    checked on its own (a GPS logger's tracks on different days). Naive timestamps are read as
    UTC. `utc_offset_s` is None (GPX carries UTC only); the service derives it from the start
    coordinates.

    Args:
        data: the file's bytes.
        filename: used in error messages only.

    Returns:
        One activity per group of tracks, in time order. distance (metres) per the module
        docstring; duration (seconds) from the first to the last timestamp; moving time
        (seconds, `_totals.moving_s`); ascent/descent (metres, `_totals.ascent_descent_m`) or
        None without elevations.

    Raises:
        CorruptFileError: not well-formed XML. InputError: entity declarations (unsafe).
        UnsupportedFileError: not a GPX document, a route (a planned course) with no track, or
            a location history (weeks of sparse points), not a workout.
        EmptyActivityError: no track points, a track without timestamps, or fewer than two
            timed points left after dropping impossible ones (see `_points`).
    """
    read: dict[XmlElement, list[_Points]] = {}  # a large file's points, read as it streams
    root = _parse_streamed(data, filename, read)
    ns = namespace(root)
    if root.tag != f"{ns}gpx":
        raise UnsupportedFileError(f"{filename!r} is XML but not GPX (root element {root.tag!r})")
    tracks: list[_TrackData] = []
    for trk in root.iter(f"{ns}trk"):
        segments = [
            points
            for seg in trk.iter(f"{ns}trkseg")
            if (points := _segment(seg, ns, read.pop(seg, []))) is not None
        ]
        if segments:
            type_text = (trk.findtext(f"{ns}type") or "").strip() or None
            tracks.append(_without_glitches(_TrackData(segments, type_text)))
    if not tracks:
        if root.find(f"{ns}rte/{ns}rtept") is not None:
            raise UnsupportedFileError(
                f"{filename!r} is a GPX route (a planned course), not a recorded track; "
                "export the recorded activity instead"
            )
        raise EmptyActivityError(
            f"{filename!r} has no track points; there is no activity to import"
        )
    skipped = sum(s.skipped for t in tracks for s in t.segments)
    timed_points = sum(t.timed for t in tracks)
    if skipped and timed_points < 2:
        raise EmptyActivityError(
            f"{filename!r} has {timed_points} usable timed track point(s) after dropping "
            f"{skipped} with a missing or impossible position, time, elevation or heart rate; "
            "at least two are needed"
        )
    if timed_points == 0:
        raise EmptyActivityError(
            f"{filename!r} is a GPX track without timestamps (a drawn or planned course); "
            "only recorded activities can be imported"
        )
    _refuse_location_history(tracks, filename)
    creator = (root.get("creator") or "").strip() or None
    # A group with fewer than two timed points is no activity; when every group is that thin
    # (one point per track), the tracks are read as one activity.
    groups = [g for g in _groups(tracks) if sum(t.timed for t in g) >= 2] or [tracks]
    activities = [_activity(group, creator, filename) for group in groups]
    if skipped:  # the file's dropped points are reported once, on the first activity
        activities[0] = replace(activities[0], skipped_records=skipped)
    return tuple(activities)


def _parse_streamed(
    data: bytes, filename: str, read: dict[XmlElement, list[_Points]]
) -> XmlElement:
    """The document's tree, a large file's track points taken out as they stream (issue #23):
    each segment's points read so far (`_segment_columns`) go into `read`, the rest stay in
    the tree (`_xml.parse_xml_pruned`)."""
    names: dict[str, str] = {}

    def owner(point: XmlElement) -> XmlElement | None:
        if "ns" not in names:
            names["ns"] = namespace(point.getroottree().getroot())
        ns = names["ns"]
        segment = point.getparent()
        if point.tag != f"{ns}trkpt" or segment is None or segment.tag != f"{ns}trkseg":
            return None
        return segment

    def consume(segment: XmlElement, points: list[XmlElement]) -> None:
        read.setdefault(segment, []).append(_segment_columns(segment, points, names["ns"]))

    return parse_xml_pruned(data, filename, "GPX", "{*}trkpt", owner, consume)


TRACK_GAP_S = 30 * 60  # tracks closer than this are one activity
HISTORY_MIN_SPAN_S = 2 * 86400  # a location history spans days ...
HISTORY_MEDIAN_GAP_S = 10 * 60  # ... with minutes between its points
HISTORY_MIN_UNTIMED = 100  # or holds many points without a time among timed ones over a day


@dataclass(slots=True)
class _TrackData:
    segments: list[_Points]
    type_text: str | None
    repairs: tuple[str, ...] = ()

    @property
    def timed(self) -> int:
        return int(sum(np.count_nonzero(~np.isnan(s.time_s)) for s in self.segments))

    def span(self) -> tuple[float, float] | None:
        times = [s.time_s[~np.isnan(s.time_s)] for s in self.segments]
        timed = [t for t in times if t.size]
        if not timed:
            return None
        return float(min(t.min() for t in timed)), float(max(t.max() for t in timed))


def _without_glitches(track: _TrackData) -> _TrackData:
    """The track without a few points whose clock jumped years away (`_totals.glitches`)."""
    times = np.concatenate([s.time_s for s in track.segments])
    glitched = glitches(times)
    if not glitched.any():
        return track
    segments, start = [], 0
    for segment in track.segments:
        end = start + segment.time_s.size
        segments.append(segment.keep(~glitched[start:end]))
        start = end
    note = glitch_note(times[glitched], times[~glitched & ~np.isnan(times)], "point")
    return _TrackData(segments, track.type_text, (note,))


def _refuse_location_history(tracks: list[_TrackData], filename: str) -> None:
    """Weeks of sparse or partly untimed points are a location history, not a workout."""
    seconds = np.sort(
        np.concatenate([s.time_s[~np.isnan(s.time_s)] for t in tracks for s in t.segments])
    )
    points = sum(s.lat.size for t in tracks for s in t.segments)
    untimed = points - seconds.size
    span_s = float(seconds[-1] - seconds[0]) if seconds.size else 0.0
    sparse = (
        span_s > HISTORY_MIN_SPAN_S
        and seconds.size > 2
        and float(np.median(np.diff(seconds))) > HISTORY_MEDIAN_GAP_S
    )
    partly_untimed = untimed >= HISTORY_MIN_UNTIMED and span_s > 86400 and untimed > points // 4
    if sparse or partly_untimed:
        days = max(round(span_s / 86400), 1)
        raise UnsupportedFileError(
            f"{filename!r} looks like a location history ({points:,} points over {days:,} "
            f"day{'s' if days != 1 else ''}), not a workout; import the recorded activities "
            "instead"
        )


def _groups(tracks: list[_TrackData]) -> list[list[_TrackData]]:
    """Tracks in time order, grouped when less than `TRACK_GAP_S` apart.

    A track without any time joins the group of the track before it in the file.
    """
    timed = sorted(
        ((span, i) for i, t in enumerate(tracks) if (span := t.span()) is not None),
        key=lambda item: item[0],
    )
    groups: list[list[int]] = []
    last_end = -math.inf
    for (first, last), index in timed:
        if groups and first - last_end < TRACK_GAP_S:
            groups[-1].append(index)
        else:
            groups.append([index])
        last_end = max(last_end, last)
    owner = {index: g for g, members in enumerate(groups) for index in members}
    previous = 0
    for index in range(len(tracks)):
        if index in owner:
            previous = owner[index]
        else:
            groups[previous].append(index)
    return [[tracks[i] for i in sorted(members)] for members in groups]


def _activity(group: list[_TrackData], creator: str | None, filename: str) -> ParsedActivity:
    distance_m = moving = 0.0
    elevations: list[float] = []
    heart_rates: list[np.ndarray] = []
    cadences: list[np.ndarray] = []
    first = last = math.nan
    start: tuple[float, float] | None = None
    for track in group:
        for points in (_sorted(s) for s in track.segments):
            if start is None and points.lat.size:
                start = (float(points.lat[0]), float(points.lon[0]))
            distance_m += segment_length_m(points.lat, points.lon)
            timed = ~np.isnan(points.time_s)
            if timed.any():
                seconds = points.time_s[timed]
                first = float(np.fmin(first, seconds.min()))
                last = float(np.fmax(last, seconds.max()))
                steps = step_distances_m(points.lat[timed], points.lon[timed])
                moving += moving_s(steps, seconds)
            elevations.extend(points.elevations[~np.isnan(points.elevations)].tolist())
            heart_rates.append(points.heart_rates[~np.isnan(points.heart_rates)])
            cadences.append(points.cadences[~np.isnan(points.cadences)])
    rates = np.concatenate(heart_rates) if heart_rates else np.empty(0)
    steps = np.concatenate(cadences) if cadences else np.empty(0)
    duration = last - first
    moving, duration, _ = reconciled_s(moving, duration)
    type_text = next((t.type_text for t in group if t.type_text), None)
    declared = gpx_sport(type_text)
    sport, source = declared_or_inferred(
        declared, Evidence(distance_m=distance_m, moving_s=moving, has_positions=True)
    )
    virtual = gpx_type_is_virtual(type_text) or names_virtual_world(creator)
    ascent, descent = ascent_descent_m(elevations) if elevations else (None, None)
    return ParsedActivity(
        sport=sport,
        sub_sport=type_text[:40] if type_text and declared is None else None,
        started_at=_utc(first),
        utc_offset_s=None,
        distance_m=distance_m,
        duration_s=duration,
        moving_s=moving,
        ascent_m=ascent,
        descent_m=descent,
        avg_hr_bpm=float(rates.mean()) if rates.size else None,
        avg_cadence_spm=(2.0 * float(steps.mean()) if steps.size and sport in _ON_FOOT else None),
        device=creator,
        source_format=SourceFormat.GPX,
        start_lat=start[0] if start and not virtual else None,
        start_lon=start[1] if start and not virtual else None,
        sport_source=source,
        is_device_file=False,
        has_samples=bool(rates.size or steps.size),
        is_virtual=virtual,
        repairs=tuple(note for t in group for note in t.repairs),
    )


_ON_FOOT = frozenset({Sport.RUN, Sport.WALK, Sport.HIKE})


def _sorted(points: _Points) -> _Points:
    """The segment in time order, when every point has a time and they are out of order.

    Unless the file's own order draws the shorter track: then one point's clock is wrong (a
    time an hour off), not its place, and the order is kept; durations use the earliest and
    latest times either way, and moving time skips the steps that go back in time.
    """
    times = points.time_s
    if times.size < 2 or np.isnan(times).any() or bool(np.all(np.diff(times) >= 0)):
        return points
    order = np.argsort(times, kind="stable")
    if segment_length_m(points.lat[order], points.lon[order]) > segment_length_m(
        points.lat, points.lon
    ):
        return points
    return points.keep(order)


@dataclass(frozen=True, slots=True)
class _Points:
    """One segment's usable points, one entry per point in every array."""

    lat: np.ndarray
    lon: np.ndarray
    time_s: np.ndarray  # POSIX seconds, NaN where a point has no time
    elevations: np.ndarray  # metres, NaN where a point has none
    heart_rates: np.ndarray  # bpm, NaN where a point has none
    cadences: np.ndarray  # strides per minute, NaN where a point has none
    skipped: int

    def keep(self, mask: np.ndarray) -> _Points:
        return _Points(
            self.lat[mask],
            self.lon[mask],
            self.time_s[mask],
            self.elevations[mask],
            self.heart_rates[mask],
            self.cadences[mask],
            self.skipped,
        )


def _segment(seg: XmlElement, ns: str, read: list[_Points]) -> _Points | None:
    """A <trkseg>'s points (None without any): those `read` while the file streamed, then
    those still in the tree."""
    elements = seg.findall(f"{ns}trkpt")
    parts = [*read, _segment_columns(seg, elements, ns)] if elements else read
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]

    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    return _Points(
        lat=joined("lat"),
        lon=joined("lon"),
        time_s=joined("time_s"),
        elevations=joined("elevations"),
        heart_rates=joined("heart_rates"),
        cadences=joined("cadences"),
        skipped=sum(p.skipped for p in parts),
    )


def _segment_columns(seg: XmlElement, elements: list[XmlElement], ns: str) -> _Points:
    """Points of a <trkseg> (`elements`, its <trkpt> children or some of them), read a column
    at a time (issue #26); where a point carries a value twice, they are read point by point
    (`_points`), as before."""
    lat_texts = [p.get("lat") for p in elements]
    lon_texts = [p.get("lon") for p in elements]
    index = {point: i for i, point in enumerate(elements)}
    columns = [
        point_texts(seg, elements, f"{ns}time", index=index),
        point_texts(seg, elements, f"{ns}ele", index=index),
        point_texts(seg, elements, "{*}hr", depth=None, index=index),
        point_texts(seg, elements, "{*}cad", depth=None, index=index),
    ]
    if None in lat_texts or None in lon_texts or any(c is None for c in columns):
        return _points(elements, ns)
    time_texts, ele_texts, hr_texts, cad_texts = (c or [] for c in columns)
    count = len(elements)
    lat, bad_lat = float_column([t or "" for t in lat_texts])
    lon, bad_lon = float_column([t or "" for t in lon_texts])
    times: list[str | None] = [(t.strip() or None) if t else None for t in time_texts]
    time_s = posix_seconds(times)
    ele, bad_ele = float_column([t or "" for t in ele_texts])
    hr, bad_hr = float_column([t or "" for t in hr_texts])
    cad, bad_cad = float_column([t or "" for t in cad_texts])
    usable = (
        ~(bad_lat | bad_lon | bad_ele | bad_hr | bad_cad)
        & (np.abs(lat) <= 90)
        & (np.abs(lon) <= 180)
        & (np.array([t is None for t in times], dtype=bool) | ~np.isnan(time_s))
    )
    hr[~(hr > 0)] = np.nan
    cad[~(cad > 0)] = np.nan
    points = _Points(lat, lon, time_s, ele, hr, cad, skipped=0)
    return replace(points.keep(usable), skipped=int(count - np.count_nonzero(usable)))


def _points(elements: list[XmlElement], ns: str) -> _Points:
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
    heart_rates: list[float] = []
    cadences: list[float] = []
    skipped = 0
    for point in elements:
        lat, lon = parse_float(point.get("lat")), parse_float(point.get("lon"))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            skipped += 1
            continue
        time_text = elevation_text = None
        samples: tuple[list[float], list[float]] | None = ([], [])
        for child in point:
            tag = child.tag
            if tag == time_tag:
                time_text = child.text
            elif tag == ele_tag:
                elevation_text = child.text
            elif tag.endswith("extensions"):
                samples = _extension_values(child)
        elevation = parse_float(elevation_text)  # once: a hot loop (one call per point)
        if samples is None or (elevation is None and not is_blank(elevation_text)):
            skipped += 1
            continue
        lats.append(lat)
        lons.append(lon)
        times.append(time_text.strip() if time_text and time_text.strip() else None)
        elevations.append(elevation)
        heart_rates.append(sum(samples[0]) / len(samples[0]) if samples[0] else math.nan)
        cadences.append(sum(samples[1]) / len(samples[1]) if samples[1] else math.nan)
    time_s = posix_seconds(times)
    keep = np.array([t is None for t in times], dtype=bool) | ~np.isnan(time_s)
    skipped += int((~keep).sum())
    points = _Points(
        lat=np.array(lats, dtype=float),
        lon=np.array(lons, dtype=float),
        time_s=time_s,
        elevations=np.array([math.nan if e is None else e for e in elevations], dtype=float),
        heart_rates=np.array(heart_rates, dtype=float),
        cadences=np.array(cadences, dtype=float),
        skipped=0,
    )
    return replace(points.keep(keep), skipped=skipped)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _extension_values(extensions: XmlElement) -> tuple[list[float], list[float]] | None:
    """Heart rate and cadence from Garmin's TrackPointExtension (`gpxtpx:hr`, `gpxtpx:cad`).

    Any namespace prefix. Cadence is per foot (strides per minute), as Garmin writes it. None
    when a value is present but not a finite number (the point is dropped).
    """
    rates: list[float] = []
    cadences: list[float] = []
    for element in extensions.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("hr", "cad"):
            value = parse_float(element.text)
            if value is None and not is_blank(element.text):
                return None
            if value and value > 0:
                (rates if name == "hr" else cadences).append(value)
    return rates, cadences


def samples(data: bytes, filename: str) -> TrackSamples:
    """Every timed track point as per-point samples, for drawing (issue #12).

    Distance is cumulative over the file's segments in file order (the gap between segments is
    not bridged, as in `parse`); heart rate and cadence come from Garmin's TrackPointExtension
    (the first value of each per point). Points without a readable time or position are left
    out; a value that is not a finite number is absent.

    Raises:
        CorruptFileError: not well-formed XML. UnsupportedFileError: not GPX.
        EmptyActivityError: no timed point.
    """
    root = parse_xml(data, filename, "GPX")
    ns = namespace(root)
    if root.tag != f"{ns}gpx":
        raise UnsupportedFileError(f"{filename!r} is XML but not GPX (root element {root.tag!r})")
    rows: list[Row] = []
    covered_m = 0.0
    for seg in root.iter(f"{ns}trkseg"):
        points = [r for p in seg.iter(f"{ns}trkpt") if (r := _sample_row(p, ns)) is not None]
        if not points:
            continue
        lat = np.array([r[1] for r in points])
        lon = np.array([r[2] for r in points])
        cumulative = covered_m + np.concatenate(([0.0], np.cumsum(step_distances_m(lat, lon))))
        covered_m = float(cumulative[-1])
        rows.extend(
            (r[0], r[1], r[2], float(d), r[3], r[4], r[5])
            for r, d in zip(points, cumulative, strict=True)
        )
    return from_rows(rows, filename)


def _sample_row(
    point: XmlElement, ns: str
) -> tuple[float, float, float, float, float, float] | None:
    """(time_s, lat, lon, elevation_m, heart_rate_bpm, cadence) of one <trkpt>, NaN where
    absent; None without a usable time and position."""
    lat, lon = parse_float(point.get("lat")), parse_float(point.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    time = parse_time(point.findtext(f"{ns}time"))
    if time is None:
        return None
    elevation = parse_float(point.findtext(f"{ns}ele"))
    rate = cadence = math.nan
    extensions = point.find(f"{ns}extensions")
    values = _extension_values(extensions) if extensions is not None else None
    if values is not None:
        rate = values[0][0] if values[0] else math.nan
        cadence = values[1][0] if values[1] else math.nan
    return (
        time.timestamp(),
        lat,
        lon,
        elevation if elevation is not None else math.nan,
        rate,
        cadence,
    )
