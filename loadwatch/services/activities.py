"""One activity from all its sources (issue #10): the field-by-field merge and managing activities
(show with sources, split a source out, correct the sport, delete, move to another athlete).

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
from pathlib import PurePath
from typing import TypeVar

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Activity, ActivitySource, OriginalFile, PainEntry
from loadwatch.domain import (
    ActivityRow,
    SourceFormat,
    Sport,
    SportSource,
    default_activity_name,
)
from loadwatch.errors import InputError, NotFoundError
from loadwatch.services._checks import athlete_name, check_id

_FORMAT_RANK = {SourceFormat.FIT: 0, SourceFormat.TCX: 1, SourceFormat.GPX: 2}
_SPORT_SOURCE_RANK = {source: rank for rank, source in enumerate(SportSource)}
_NOT_FOUND_HINT = "; `loadwatch activities` lists them"

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


def _primary_order(source: SourceRecord) -> tuple[bool, int, bool, int, str, int]:
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

    Args:
        sources: at least one source of the activity.
        user_sport: the runner's correction, which beats every file.

    Raises:
        ValueError: no sources (a programming error: every activity has one).
    """
    ordered = sorted(sources, key=_primary_order)
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
        distance_source = min(ordered, key=lambda s: (-s.distance_m, _primary_order(s)))
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


# --- the activity and its sources in the database (sessions owned by the callers) ---


def record_of(source: ActivitySource, filename: str, name_hint: str | None) -> SourceRecord:
    return SourceRecord(
        sha256=source.sha256,
        session_index=source.session_index,
        filename=filename,
        sport=Sport(source.sport),
        sport_source=SportSource(source.sport_source),
        sub_sport=source.sub_sport,
        started_at=source.started_at,
        utc_offset_s=source.utc_offset_s,
        resolved_offset_s=source.resolved_offset_s,
        distance_m=source.distance_m,
        duration_s=source.duration_s,
        moving_s=source.moving_s,
        ascent_m=source.ascent_m,
        descent_m=source.descent_m,
        avg_hr_bpm=source.avg_hr_bpm,
        avg_cadence_spm=source.avg_cadence_spm,
        device=source.device,
        source_format=SourceFormat(source.source_format),
        is_device_file=source.is_device_file,
        has_samples=source.has_samples,
        is_virtual=source.is_virtual,
        effort_rpe=source.effort_rpe,
        name_hint=name_hint,
    )


def _user_sport(activity: Activity) -> Sport | None:
    return Sport(activity.sport) if activity.sport_source == SportSource.USER.value else None


def _apply(activity: Activity, merged: MergedActivity) -> None:
    activity.sport = merged.sport.value
    activity.sport_source = merged.sport_source.value
    activity.sub_sport = merged.sub_sport
    activity.name = merged.name
    activity.started_at = merged.started_at
    activity.utc_offset_s = merged.utc_offset_s
    activity.duration_s = merged.duration_s
    activity.moving_s = merged.moving_s
    activity.distance_m = merged.distance_m
    activity.ascent_m = merged.ascent_m
    activity.descent_m = merged.descent_m
    activity.avg_hr_bpm = merged.avg_hr_bpm
    activity.avg_cadence_spm = merged.avg_cadence_spm
    activity.device = merged.device
    activity.effort_rpe = merged.effort_rpe
    activity.source_format = merged.primary.source_format.value
    activity.source_file = merged.primary.filename
    activity.source_sha256 = merged.primary.sha256
    activity.session_index = merged.primary.session_index


def recompute(session: Session, activity: Activity) -> MergedActivity:
    """Re-derive a stored activity's fields from all its stored sources."""
    session.flush()
    records = [record_of(*row) for row in repository.sources_of(session, [activity.id])]
    merged = merge_sources(records, _user_sport(activity))
    _apply(activity, merged)
    session.flush()
    return merged


def _absorb(session: Session, keep: Activity, others: Sequence[Activity]) -> None:
    """Make `others` part of `keep`: their sources and pain entries move, they are deleted."""
    if not others:
        return
    ids = [other.id for other in others]
    if _user_sport(keep) is None:
        corrected = [other for other in others if _user_sport(other) is not None]
        if corrected:
            keep.sport, keep.sport_source = corrected[0].sport, SportSource.USER.value
    if keep.shoe_id is None:
        keep.shoe_id = next((o.shoe_id for o in others if o.shoe_id is not None), None)
    session.flush()
    session.execute(
        update(ActivitySource)
        .where(ActivitySource.activity_id.in_(ids))
        .values(activity_id=keep.id)
    )
    session.execute(
        update(PainEntry).where(PainEntry.activity_id.in_(ids)).values(activity_id=keep.id)
    )
    session.execute(delete(Activity).where(Activity.id.in_(ids)))
    session.expire_all()


def attach(
    session: Session, athlete_id: int, source: ActivitySource, filename: str, name_hint: str | None
) -> tuple[Activity, str | None]:
    """Store a new source: merged into the activity it overlaps (never one holding another
    session of the same file), or a new activity.

    Returns:
        The activity, and the primary file it had before (None for a new activity). A source
        that overlaps several activities joins the lowest id only: joining them all could put
        two sessions of one file into one activity.
    """
    same = repository.same_activity_candidates(
        session,
        athlete_id,
        source.started_at,
        source.duration_s,
        SourceFormat(source.source_format),
        source.resolved_offset_s,
    )
    # Two sessions of one file are two activities: the file says so (a chained or multisport
    # FIT whose sessions share a start).
    siblings = set(repository.activity_ids_for_hash(session, source.sha256))
    same = [activity for activity in same if activity.id not in siblings]
    if same:
        keep = same[0]
        previous = keep.source_file
        source.activity_id = keep.id
        session.add(source)
        recompute(session, keep)
        return keep, previous
    activity = Activity(athlete_id=athlete_id, imported_at=repository.now_utc())
    _apply(activity, merge_sources([record_of(source, filename, name_hint)]))
    session.add(activity)
    session.flush()
    source.activity_id = activity.id
    session.add(source)
    session.flush()
    return activity, None


# --- use cases ---


@dataclass(frozen=True, slots=True)
class SourceView:
    """One source of an activity as `loadwatch activities --id N` shows it."""

    file: str
    sha256: str
    session_index: int
    source_format: SourceFormat
    device: str | None
    is_device_file: bool
    has_samples: bool
    sport: Sport
    sport_source: SportSource
    started_at: datetime
    utc_offset_s: int
    distance_m: float
    duration_s: float
    moving_s: float
    avg_hr_bpm: float | None
    avg_cadence_spm: float | None
    is_primary: bool
    contributed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActivityDetail:
    activity: ActivityRow
    sources: tuple[SourceView, ...]


def activity_detail(engine: Engine, activity_id: int) -> ActivityDetail:
    """An activity with each of its sources and what each contributed.

    Raises:
        NotFoundError: unknown or out-of-range id.
    """
    check_id(activity_id, "activity", _NOT_FOUND_HINT)
    with Session(engine) as session:
        activity = repository.get_activity(session, activity_id)
        (row,) = repository.activity_rows(session, activity_id=activity.id)
        records = [record_of(*r) for r in repository.sources_of(session, [activity.id])]
        return ActivityDetail(row, _views(records, _user_sport(activity)))


def _views(records: Sequence[SourceRecord], user_sport: Sport | None) -> tuple[SourceView, ...]:
    merged = merge_sources(records, user_sport)
    return tuple(
        SourceView(
            file=s.filename,
            sha256=s.sha256,
            session_index=s.session_index,
            source_format=s.source_format,
            device=s.device,
            is_device_file=s.is_device_file,
            has_samples=s.has_samples,
            sport=s.sport,
            sport_source=s.sport_source,
            started_at=s.started_at,
            utc_offset_s=s.resolved_offset_s,
            distance_m=s.distance_m,
            duration_s=s.duration_s,
            moving_s=s.moving_s,
            avg_hr_bpm=s.avg_hr_bpm,
            avg_cadence_spm=s.avg_cadence_spm,
            is_primary=s.key == merged.primary.key,
            contributed=merged.contributions.get(s.key, ()),
        )
        for s in sorted(records, key=_primary_order)
    )


def _source_matching(records: Sequence[SourceRecord], wanted: str) -> SourceRecord:
    """The source named by a file name (whole, or its last part) or a sha256 (or a prefix of at
    least 8 characters)."""
    text = wanted.strip()
    found = [
        r
        for r in records
        if text in (r.filename, PurePath(r.filename).name)
        or (len(text) >= 8 and r.sha256.startswith(text.lower()))
    ]
    if len(found) == 1:
        return found[0]
    names = ", ".join(f"{PurePath(r.filename).name!r} ({r.sha256[:8]})" for r in records)
    if not found:
        raise NotFoundError(f"the activity has no source {wanted!r}; its sources: {names}")
    raise InputError(f"{wanted!r} names several sources ({names}); give the sha256 instead")


def split_source(engine: Engine, activity_id: int, source: str) -> tuple[int, int]:
    """Move one source back out of an activity into an activity of its own (undo a merge).

    Both activities are then re-derived from their sources; a sport the runner set stays with
    the activity it was set on. Pain entries and the shoe stay too.

    Returns:
        (the activity's id, the new activity's id).

    Raises:
        NotFoundError: unknown activity or no such source. InputError: the activity's only
            source, or a name that matches several sources.
    """
    check_id(activity_id, "activity", _NOT_FOUND_HINT)
    with Session(writer(engine)) as session, session.begin():
        activity = repository.get_activity(session, activity_id)
        repository.lock_athlete(session, activity.athlete_id)
        rows = repository.sources_of(session, [activity.id])
        records = [record_of(*row) for row in rows]
        chosen = _source_matching(records, source)
        if len(records) == 1:
            raise InputError(
                f"activity {activity_id} has only one source; there is nothing to split"
            )
        (source_row,) = [r for r, _, _ in rows if (r.sha256, r.session_index) == chosen.key]
        new = Activity(athlete_id=activity.athlete_id, imported_at=repository.now_utc())
        _apply(new, merge_sources([chosen]))
        session.add(new)
        session.flush()
        source_row.activity_id = new.id
        recompute(session, activity)
        return activity.id, new.id


def set_sport(engine: Engine, activity_id: int, sport: str) -> ActivityRow:
    """The runner's correction of an activity's sport: it beats every file, and survives
    `reimport` and later merges. A pair of shoes is unassigned when it is no longer a run.

    Raises:
        InputError: an unknown sport. NotFoundError: unknown activity.
    """
    check_id(activity_id, "activity", _NOT_FOUND_HINT)
    chosen = _sport(sport)
    with Session(writer(engine)) as session, session.begin():
        activity = repository.get_activity(session, activity_id)
        activity.sport, activity.sport_source = chosen.value, SportSource.USER.value
        if chosen is not Sport.RUN:
            activity.shoe_id = None
        recompute(session, activity)
        (row,) = repository.activity_rows(session, activity_id=activity.id)
        return row


def _sport(value: str) -> Sport:
    text = value.strip().lower().replace("-", "_")
    try:
        return Sport(text)
    except ValueError:
        known = ", ".join(s.value for s in Sport if s is not Sport.UNKNOWN)
        raise InputError(f"sport must be one of {known}; got {value!r}") from None


def delete_activity(engine: Engine, activity_id: int) -> ActivityRow:
    """Delete an activity with its sources; pain entries stay, unlinked. A stored file no other
    activity is made of is deleted too, so it can be imported again.

    Returns:
        The activity as it was.

    Raises:
        NotFoundError: unknown activity.
    """
    check_id(activity_id, "activity", _NOT_FOUND_HINT)
    with Session(writer(engine)) as session, session.begin():
        activity = repository.get_activity(session, activity_id)
        (row,) = repository.activity_rows(session, activity_id=activity.id)
        hashes = [s.sha256 for s, _, _ in repository.sources_of(session, [activity.id])]
        session.execute(
            update(PainEntry).where(PainEntry.activity_id == activity.id).values(activity_id=None)
        )
        session.execute(delete(ActivitySource).where(ActivitySource.activity_id == activity.id))
        session.execute(delete(Activity).where(Activity.id == activity.id))
        for original in repository.orphan_originals(session, hashes):
            session.delete(original)
        return row


def move_activity(engine: Engine, activity_id: int, athlete: str) -> ActivityRow:
    """Move an activity to another athlete: its sources and stored files (those no activity left
    behind is made of) and the pain entries linked to it go along; its shoe is unassigned. If it
    overlaps one of that athlete's activities, the two become one.

    Returns:
        The activity as it now is (its id may be the other athlete's activity it joined).

    Raises:
        NotFoundError: unknown activity or athlete. InputError: a bad athlete name.
    """
    check_id(activity_id, "activity", _NOT_FOUND_HINT)
    name = athlete_name(athlete)
    with Session(writer(engine)) as session, session.begin():
        activity = repository.get_activity(session, activity_id)
        target = repository.get_athlete(session, name)
        if target.id == activity.athlete_id:
            raise InputError(f"activity {activity_id} is already {target.name}'s")
        for athlete_id in sorted({target.id, activity.athlete_id}):
            repository.lock_athlete(session, athlete_id)
        activity.athlete_id, activity.shoe_id = target.id, None
        session.execute(
            update(PainEntry)
            .where(PainEntry.activity_id == activity.id)
            .values(athlete_id=target.id)
        )
        hashes = [s.sha256 for s, _, _ in repository.sources_of(session, [activity.id])]
        session.flush()
        left_behind = (
            select(ActivitySource.sha256)
            .join(Activity, Activity.id == ActivitySource.activity_id)
            .where(Activity.athlete_id != target.id, ActivitySource.sha256.in_(hashes))
        )
        session.execute(
            update(OriginalFile)
            .where(OriginalFile.sha256.in_(hashes), OriginalFile.sha256.not_in(left_behind))
            .values(athlete_id=target.id)
        )
        same = repository.same_activity_candidates(
            session,
            target.id,
            activity.started_at,
            activity.duration_s,
            SourceFormat(activity.source_format),
            activity.utc_offset_s,
            exclude_id=activity.id,
        )
        keep_id = activity.id
        if same:
            group = sorted([activity, *same], key=lambda a: a.id)
            keep_id = group[0].id
            _absorb(session, group[0], group[1:])
            recompute(session, session.get_one(Activity, keep_id))
        (row,) = repository.activity_rows(session, activity_id=keep_id)
        return row
