"""Managing activities (issue #10, #12): show one with its sources and its pain entries, split a
source out, correct the sport, rename it, put it on a pair, delete it, move it to another
athlete (an activity's fields are kept the merge of its sources by
services/store.py, `recompute`).

An activity is made of one or more file sessions (`activity_sources`); `merge.merge_sources`
computes every stored field of the activity from ALL of them at once (its docstring gives the
rules field by field), so the result never depends on the order the files were imported in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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
)
from loadwatch.errors import InputError, NotFoundError
from loadwatch.services._checks import ACTIVITY_HINT, athlete_name, check_id, clean_text
from loadwatch.services.merge import (
    SourceRecord,
    candidate_window,
    merge_sources,
    primary_order,
    same_activity,
)
from loadwatch.services.pain import PainEntryView, pain_view
from loadwatch.services.shoes import assign_shoes
from loadwatch.services.store import absorb, apply_merged, recompute, record_of, user_sport

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
    check_id(activity_id, "activity", ACTIVITY_HINT)
    with Session(engine) as session:
        activity = auth.activity_for(session, actor, activity_id)
        (row,) = repository.activity_rows(session, activity_id=activity.id)
        records = [record_of(*r) for r in repository.sources_of(session, [activity.id])]
        auth.audit(engine, actor, "activity-view", [row.athlete], is_read=True)
        return ActivityDetail(row, _views(records, user_sport(activity)))


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
    check_id(activity_id, "activity", ACTIVITY_HINT)
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
        apply_merged(new, merge_sources([chosen]))
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
    check_id(activity_id, "activity", ACTIVITY_HINT)
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
    check_id(activity_id, "activity", ACTIVITY_HINT)
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
    check_id(activity_id, "activity", ACTIVITY_HINT)
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
        earliest, latest = candidate_window(activity.started_at, activity.duration_s)
        candidates = repository.activities_starting_between(
            session, target.id, earliest, latest, exclude_id=activity.id
        )
        same = same_activity(
            activity.started_at,
            activity.duration_s,
            SourceFormat(activity.source_format),
            activity.utc_offset_s,
            candidates,
        )
        keep_id = activity.id
        if same:
            group = sorted([activity, *same], key=lambda a: a.id)
            keep_id = group[0].id
            absorb(session, group[0], group[1:])
            recompute(session, session.get_one(Activity, keep_id))
        (row,) = repository.activity_rows(session, activity_id=keep_id)
        return row


NAME_MAX_LENGTH = 200  # activities.name column


def activity_pain(engine: Engine, activity_id: int, *, actor: Actor = LOCAL) -> list[PainEntryView]:
    """The pain entries of an activity: those logged for it, and the next morning's check-in
    (the morning after its local day), oldest first.

    Raises:
        NotFoundError: unknown activity. NotAllowedError: `actor` may not read it.
    """
    check_id(activity_id, "activity", ACTIVITY_HINT)
    with Session(engine) as session:
        activity = repository.get_activity(session, activity_id)
        auth.require_read(session, actor, activity.athlete_id)
        day = (activity.started_at + timedelta(seconds=activity.utc_offset_s)).date()
        entries = session.scalars(
            select(PainEntry)
            .where(
                PainEntry.athlete_id == activity.athlete_id,
                (PainEntry.activity_id == activity.id)
                | (
                    (PainEntry.entry_date == day + timedelta(days=1))
                    & PainEntry.morning.is_not(None)
                    & PainEntry.during.is_(None)
                    & PainEntry.after.is_(None)
                ),
            )
            .order_by(PainEntry.entry_date, PainEntry.id)
        ).all()
        views = [pain_view(e) for e in entries]
        athlete = auth.athlete_name_of(session, activity.athlete_id)
    auth.audit(engine, actor, "activity-pain-view", [athlete], is_read=True)
    return views


def rename_activity(
    engine: Engine, activity_id: int, name: str, *, actor: Actor = LOCAL
) -> ActivityRow:
    """The runner's name for an activity; it survives re-imports and later merges (a name no
    file gave and no default rule makes is the runner's, see `activities.recompute`).

    Raises:
        InputError: a blank or overlong name. NotFoundError: unknown activity.
        NotAllowedError: `actor` may not change it.
    """
    check_id(activity_id, "activity", ACTIVITY_HINT)
    text = clean_text(name, "activity name", NAME_MAX_LENGTH)
    with Session(writer(engine)) as session, session.begin():
        activity = repository.get_activity(session, activity_id)
        auth.require_write(session, actor, activity.athlete_id)
        activity.name = text
        session.flush()
        (row,) = repository.activity_rows(session, activity_id=activity.id)
    auth.audit(engine, actor, "activity-rename", [row.athlete], text)
    return row


def set_activity_shoe(
    engine: Engine, activity_id: int, shoe: str | None, *, actor: Actor = LOCAL
) -> ActivityRow:
    """Put a run on one of its athlete's pairs, or take it off every pair (`shoe=None`), as
    `shoes.assign_shoes` does; the activity's row as it now is.

    Raises:
        InputError: not a run, or a retired pair. NotFoundError: unknown activity or pair.
        NotAllowedError: `actor` may not change it.
    """
    assign_shoes(engine, {activity_id: shoe}, actor=actor)
    with Session(engine) as session:
        (row,) = repository.activity_rows(session, activity_id=activity_id)
    return row
