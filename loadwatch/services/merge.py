"""The match and merge steps of an import (issue #10): which stored activity a new recording is
another record of (`same_activity`), and the field-by-field merge of an activity's sources
(`merge_sources`). Pure, no database: db/sources.py fetches the candidates by time window.

Matching: one athlete cannot do two activities at once. Two recordings whose elapsed spans
overlap by at least half of the shorter one's (`SAME_ACTIVITY_OVERLAP`) are the same activity,
whatever their sports say (elapsed is compared with elapsed, never with a timer). A time-zone
shift is allowed only as the bug that causes it: an exporter writing local time as UTC moves a
run by exactly its local UTC offset, and only between two different formats (a watch's FIT and a
Strava GPX); such a shifted copy must then start within 60 s and last within 5 % of the other.
Two runs of the same length exactly 12 hours apart do not overlap: a twice-a-day routine, not one
run (found by the benchmark archives). Two sessions of one file are never one activity (a chained
or multisport FIT whose sessions share a start), and a recording that matches several activities
joins the lowest id only.

Merging:
An activity is made of one or more file sessions (`activity_sources`); `merge_sources` computes
every stored field of the activity from ALL of them at once, after sorting them by a total order,
so the result never depends on the order the files were imported in. The sources are sorted by
the primary order: the recording device's own file first (a watch FIT, not an export), then
FIT > TCX > GPX, then files with per-second samples, then more signals (heart rate, cadence,
ascent, distance), then sha256 and session index (the tie-break that makes the order total).
The first source in that order is the activity's primary source (its file and format are shown).

Field by field:
- start, elapsed and timer (`started_at`, `duration_s`, `moving_s`): all three from the primary
  source, so they stay one clock (moving <= elapsed) and a device file beats an export.
- local offset: from the first device file, else the first file stating its own offset, else the
  primary source (each source's offset as resolved at import: the file's own, the zone at its
  start, the athlete's home zone).
- device: the first source in the primary order that names one (the device file's own name beats
  an exporter's).
- sport (and its sub-sport): a user's correction beats every file; else the strongest
  `SportSource` (declared > export > inferred > default), ties broken by the primary order; a
  source whose sport is unknown gives none unless no source knows.
- distance: the first device file with a distance, else the longest distance of any source (each
  passed the sanity limits at import).
- ascent, descent, effort rating: the first source in the primary order that has one.
- heart rate and cadence: the first source with samples that has one, else the first summary.
- name: the first export title (Strava's) in the primary order, else "Morning Run" style from the
  merged sport and the local start hour.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from loadwatch.domain import SourceFormat, Sport, SportSource, default_activity_name
from loadwatch.services.plausible import MAX_DURATION_S

_FORMAT_RANK = {SourceFormat.FIT: 0, SourceFormat.TCX: 1, SourceFormat.GPX: 2}
_SPORT_SOURCE_RANK = {source: rank for rank, source in enumerate(SportSource)}

T = TypeVar("T")

SAME_START_TOLERANCE_S = 60
MAX_TZ_SHIFT_H = 14
SAME_ACTIVITY_OVERLAP = 0.5  # of the shorter recording's elapsed span (issue #10)
SAME_DURATION_RATIO = 0.05  # a time-zone-shifted copy lasts within this of the other


class Recording(Protocol):
    """What matching reads of a stored activity (an `activities` row)."""

    @property
    def id(self) -> int: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def source_format(self) -> str: ...
    @property
    def utc_offset_s(self) -> int: ...


R = TypeVar("R", bound=Recording)


def candidate_window(started_at: datetime, duration_s: float) -> tuple[datetime, datetime]:
    """The start times a stored activity must fall between to be this recording: it may have
    started up to the longest any activity may last (`plausible.MAX_DURATION_S`) before, and
    either may be shifted by a whole time zone."""
    before = timedelta(seconds=MAX_DURATION_S, hours=MAX_TZ_SHIFT_H)
    end = started_at + timedelta(seconds=max(duration_s, 0.0))
    return started_at - before, end + timedelta(
        hours=MAX_TZ_SHIFT_H, seconds=SAME_START_TOLERANCE_S
    )


def same_activity(
    started_at: datetime,
    duration_s: float,
    source_format: SourceFormat,
    utc_offset_s: int,
    candidates: Iterable[R],
    siblings: Collection[int] = (),
) -> list[R]:
    """The candidates this recording is another record of, lowest id first (see the module
    docstring); `siblings` are the activities other sessions of the same file made."""
    matches = []
    for row in sorted(candidates, key=lambda r: r.id):
        if row.id in siblings:
            continue
        if _overlaps(row.started_at, row.duration_s, started_at, duration_s):
            matches.append(row)
            continue
        if source_format.value == row.source_format:
            continue
        delta_s = (started_at - row.started_at).total_seconds()
        shifts = {utc_offset_s, -utc_offset_s, row.utc_offset_s, -row.utc_offset_s} - {0}
        longest = max(row.duration_s, duration_s, 1.0)
        if (
            any(abs(delta_s - shift) <= SAME_START_TOLERANCE_S for shift in shifts)
            and abs(row.duration_s - duration_s) / longest <= SAME_DURATION_RATIO
        ):
            matches.append(row)
    return matches


def _overlaps(a_start: datetime, a_elapsed_s: float, b_start: datetime, b_elapsed_s: float) -> bool:
    """Elapsed spans overlapping by SAME_ACTIVITY_OVERLAP of the shorter (a zero-length
    recording overlaps one that contains its instant)."""
    a_end = a_start + timedelta(seconds=max(a_elapsed_s, 0.0))
    b_end = b_start + timedelta(seconds=max(b_elapsed_s, 0.0))
    overlap_s = (min(a_end, b_end) - max(a_start, b_start)).total_seconds()
    shorter_s = min(a_elapsed_s, b_elapsed_s)
    if shorter_s <= 0:
        return overlap_s >= 0
    return overlap_s >= SAME_ACTIVITY_OVERLAP * shorter_s


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """What one file session says about an activity (an `activity_sources` row); SI and UTC.

    `utc_offset_s` is the file's own offset (None when it has none); `resolved_offset_s` the one
    the import derived for it.
    """

    sha256: str
    session_index: int
    filename: str
    sport: Sport
    sport_source: SportSource
    sub_sport: str | None
    started_at: datetime
    utc_offset_s: int | None
    resolved_offset_s: int
    distance_m: float
    duration_s: float
    moving_s: float
    ascent_m: float | None
    descent_m: float | None
    avg_hr_bpm: float | None
    avg_cadence_spm: float | None
    device: str | None
    source_format: SourceFormat
    is_device_file: bool = False
    has_samples: bool = False
    is_virtual: bool = False
    effort_rpe: float | None = None
    name_hint: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        return self.sha256, self.session_index


@dataclass(frozen=True, slots=True)
class MergedActivity:
    """An activity's fields computed from all its sources, and which source gave each."""

    sport: Sport
    sport_source: SportSource
    sub_sport: str | None
    name: str
    started_at: datetime
    utc_offset_s: int
    duration_s: float
    moving_s: float
    distance_m: float
    ascent_m: float | None
    descent_m: float | None
    avg_hr_bpm: float | None
    avg_cadence_spm: float | None
    device: str | None
    effort_rpe: float | None
    primary: SourceRecord
    contributions: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)


def primary_order(source: SourceRecord) -> tuple[bool, int, bool, int, str, int]:
    signals = [source.avg_hr_bpm, source.avg_cadence_spm, source.ascent_m]
    count = sum(value is not None for value in signals) + int(source.distance_m > 0)
    return (
        not source.is_device_file,
        _FORMAT_RANK[source.source_format],
        not source.has_samples,
        -count,
        source.sha256,
        source.session_index,
    )


def _first(
    ordered: Sequence[SourceRecord], value: Callable[[SourceRecord], T | None]
) -> tuple[T | None, SourceRecord | None]:
    for source in ordered:
        found = value(source)
        if found is not None:
            return found, source
    return None, None


def merge_sources(
    sources: Iterable[SourceRecord], user_sport: Sport | None = None
) -> MergedActivity:
    """The activity's fields from all its sources, by the rules in this module's docstring.

    Pure, and independent of the order of `sources` (they are sorted by a total order first).
    Long on purpose: one rule per field, in the order of the module docstring, each noting the
    source it took in `contributions`; split up, the rules and that record would drift apart.

    Args:
        sources: at least one source of the activity.
        user_sport: the runner's correction, which beats every file.

    Raises:
        ValueError: no sources (a programming error: every activity has one).
    """
    ordered = sorted(sources, key=primary_order)
    if not ordered:
        raise ValueError("an activity needs at least one source")
    primary = ordered[0]
    given: dict[tuple[str, int], list[str]] = {s.key: [] for s in ordered}
    given[primary.key].append("start and times")

    offset_source = min(ordered, key=lambda s: (not s.is_device_file, s.utc_offset_s is None))
    given[offset_source.key].append("local offset")

    device, device_source = _first(ordered, lambda s: s.device)
    if device_source is not None:
        given[device_source.key].append("device")

    if user_sport is not None:
        sport, sport_source = user_sport, SportSource.USER
        matching = [s for s in ordered if s.sport is user_sport]
        sub_sport = matching[0].sub_sport if matching else None
    else:
        known = [s for s in ordered if s.sport is not Sport.UNKNOWN] or ordered
        winner = min(known, key=lambda s: _SPORT_SOURCE_RANK[s.sport_source])
        sport, sport_source, sub_sport = winner.sport, winner.sport_source, winner.sub_sport
        given[winner.key].append("sport")

    device_distances = [s for s in ordered if s.is_device_file and s.distance_m > 0]
    if device_distances:
        distance_source = device_distances[0]
    else:
        distance_source = min(ordered, key=lambda s: (-s.distance_m, primary_order(s)))
    given[distance_source.key].append("distance")

    ascent, ascent_source = _first(ordered, lambda s: s.ascent_m)
    descent, _ = _first(ordered, lambda s: s.descent_m)
    if ascent_source is not None:
        given[ascent_source.key].append("ascent")
    by_samples = sorted(ordered, key=lambda s: not s.has_samples)  # stable: primary order within
    hr, hr_source = _first(by_samples, lambda s: s.avg_hr_bpm)
    if hr_source is not None:
        given[hr_source.key].append("heart rate")
    cadence, cadence_source = _first(by_samples, lambda s: s.avg_cadence_spm)
    if cadence_source is not None:
        given[cadence_source.key].append("cadence")
    effort, effort_source = _first(ordered, lambda s: s.effort_rpe)
    if effort_source is not None:
        given[effort_source.key].append("effort")
    title, title_source = _first(ordered, lambda s: s.name_hint)
    if title_source is not None:
        given[title_source.key].append("name")

    offset_s = offset_source.resolved_offset_s
    local_hour = (primary.started_at + timedelta(seconds=offset_s)).hour
    return MergedActivity(
        sport=sport,
        sport_source=sport_source,
        sub_sport=sub_sport,
        name=(title or default_activity_name(sport.value, local_hour))[:200],
        started_at=primary.started_at,
        utc_offset_s=offset_s,
        duration_s=primary.duration_s,
        moving_s=primary.moving_s,
        distance_m=distance_source.distance_m,
        ascent_m=ascent,
        descent_m=descent,
        avg_hr_bpm=hr,
        avg_cadence_spm=cadence,
        device=device,
        effort_rpe=effort,
        primary=primary,
        contributions={key: tuple(fields) for key, fields in given.items()},
    )
