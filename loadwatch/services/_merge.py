"""The field-by-field merge of an activity's sources (issue #10): pure, no database.

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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from loadwatch.domain import SourceFormat, Sport, SportSource, default_activity_name

_FORMAT_RANK = {SourceFormat.FIT: 0, SourceFormat.TCX: 1, SourceFormat.GPX: 2}
_SPORT_SOURCE_RANK = {source: rank for rank, source in enumerate(SportSource)}

T = TypeVar("T")


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
