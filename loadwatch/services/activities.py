"""Managing activities (issue #10): show one with its sources, split a source out, correct the
sport, delete, move to another athlete; and keeping an activity's stored fields the merge of its
sources (`recompute`, `attach`).

An activity is made of one or more file sessions (`activity_sources`); `_merge.merge_sources`
computes every stored field of the activity from ALL of them at once (its docstring gives the
rules field by field), so the result never depends on the order the files were imported in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
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
from loadwatch.services._merge import MergedActivity, primary_order
from loadwatch.services._merge import SourceRecord as SourceRecord
from loadwatch.services._merge import merge_sources as merge_sources

_NOT_FOUND_HINT = "; `loadwatch activities` lists them"


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
    """Re-derive a stored activity's fields from all its stored sources; a name the runner
    gave (`_user_name`) is kept."""
    session.flush()
    records = [record_of(*row) for row in repository.sources_of(session, [activity.id])]
    merged = merge_sources(records, _user_sport(activity))
    user_name = _user_name(activity, records)
    _apply(activity, merged)
    if user_name is not None:
        activity.name = user_name
    session.flush()
    return merged


_DEFAULT_NAMES = frozenset(
    default_activity_name(sport.value, hour) for sport in Sport for hour in range(24)
)


def _user_name(activity: Activity, records: Sequence[SourceRecord]) -> str | None:
    """The activity's name when the runner gave it (issue #12): one no source's title and no
    default ("Morning Run") makes. No column records who named it, so this is inferred."""
    name = activity.name
    if not name or name in _DEFAULT_NAMES:
        return None
    if any(r.name_hint and name == r.name_hint[:200] for r in records):
        return None
    return name


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


def activity_detail(engine: Engine, activity_id: int, *, actor: Actor = LOCAL) -> ActivityDetail:
    """An activity with each of its sources and what each contributed.

    Raises:
        NotFoundError: unknown or out-of-range id.
    """
    check_id(activity_id, "activity", _NOT_FOUND_HINT)
    with Session(engine) as session:
        activity = auth.activity_for(session, actor, activity_id)
        (row,) = repository.activity_rows(session, activity_id=activity.id)
        records = [record_of(*r) for r in repository.sources_of(session, [activity.id])]
        auth.audit(engine, actor, "activity-view", [row.athlete], is_read=True)
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
        for s in sorted(records, key=primary_order)
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


def split_source(
    engine: Engine, activity_id: int, source: str, *, actor: Actor = LOCAL
) -> tuple[int, int]:
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
        activity = auth.activity_for(session, actor, activity_id, write=True)
        auth.record(
            session, actor, "activity-split", auth.athlete_name_of(session, activity.athlete_id)
        )
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


def set_sport(engine: Engine, activity_id: int, sport: str, *, actor: Actor = LOCAL) -> ActivityRow:
    """The runner's correction of an activity's sport: it beats every file, and survives
    `reimport` and later merges. A pair of shoes is unassigned when it is no longer a run.

    Raises:
        InputError: an unknown sport. NotFoundError: unknown activity.
    """
    check_id(activity_id, "activity", _NOT_FOUND_HINT)
    chosen = _sport(sport)
    with Session(writer(engine)) as session, session.begin():
        activity = auth.activity_for(session, actor, activity_id, write=True)
        auth.record(
            session,
            actor,
            "activity-sport",
            auth.athlete_name_of(session, activity.athlete_id),
            chosen.value,
        )
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


def delete_activity(engine: Engine, activity_id: int, *, actor: Actor = LOCAL) -> ActivityRow:
    """Delete an activity with its sources; pain entries stay, unlinked. A stored file no other
    activity is made of is deleted too, so it can be imported again.

    Returns:
        The activity as it was.

    Raises:
        NotFoundError: unknown activity.
    """
    check_id(activity_id, "activity", _NOT_FOUND_HINT)
    with Session(writer(engine)) as session, session.begin():
        activity = auth.activity_for(session, actor, activity_id, write=True)
        (row,) = repository.activity_rows(session, activity_id=activity.id)
        auth.record(session, actor, "activity-delete", row.athlete, str(activity_id))
        hashes = [s.sha256 for s, _, _ in repository.sources_of(session, [activity.id])]
        session.execute(
            update(PainEntry).where(PainEntry.activity_id == activity.id).values(activity_id=None)
        )
        session.execute(delete(ActivitySource).where(ActivitySource.activity_id == activity.id))
        session.execute(delete(Activity).where(Activity.id == activity.id))
        for original in repository.orphan_originals(session, hashes):
            session.delete(original)
        return row


def move_activity(
    engine: Engine, activity_id: int, athlete: str, *, actor: Actor = LOCAL
) -> ActivityRow:
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
        activity = auth.activity_for(session, actor, activity_id, write=True)
        target = auth.athlete_for(session, actor, name, write=True)
        auth.record(session, actor, "activity-move", target.name, str(activity_id))
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
