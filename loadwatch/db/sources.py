"""An activity's sources (`activity_sources`) and the stored files they come from: which
activities a file is a source of, the possible duplicates of an import
(`activities_starting_between`, the candidates of
`services.merge.same_activity`), and copying a parsed session onto its source row. Like
repository.py: take a session first, never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from loadwatch.db.models import Activity, ActivitySource, OriginalFile
from loadwatch.domain import ParsedActivity


def activity_ids_for_hash(session: Session, sha256: str) -> list[int]:
    """The activities a stored file is a source of (several for a multisport file)."""
    query = (
        select(ActivitySource.activity_id)
        .where(ActivitySource.sha256 == sha256)
        .distinct()
        .order_by(ActivitySource.activity_id)
    )
    return list(session.scalars(query))


def activities_starting_between(
    session: Session,
    athlete_id: int,
    earliest: datetime,
    latest: datetime,
    exclude_id: int | None = None,
) -> list[Activity]:
    """The athlete's activities that start in [earliest, latest], lowest id first: the
    candidates `services.merge.same_activity` chooses from (this module holds no policy)."""
    query = select(Activity).where(
        Activity.athlete_id == athlete_id,
        Activity.started_at >= earliest,
        Activity.started_at <= latest,
    )
    if exclude_id is not None:
        query = query.where(Activity.id != exclude_id)
    return list(session.scalars(query.order_by(Activity.id)))


def apply_parsed(source: ActivitySource, parsed: ParsedActivity, resolved_offset_s: int) -> None:
    """Copy what one parsed file session says onto its `activity_sources` row (new or
    re-imported); the activity's own fields are then merged from all its sources."""
    source.sport = parsed.sport.value
    source.sport_source = parsed.sport_source.value
    source.sub_sport = parsed.sub_sport
    source.started_at = parsed.started_at
    source.utc_offset_s = parsed.utc_offset_s
    source.resolved_offset_s = resolved_offset_s
    source.distance_m = parsed.distance_m
    source.duration_s = parsed.duration_s
    source.moving_s = parsed.moving_s
    source.ascent_m = parsed.ascent_m
    source.descent_m = parsed.descent_m
    source.avg_hr_bpm = parsed.avg_hr_bpm
    source.avg_cadence_spm = parsed.avg_cadence_spm
    source.device = parsed.device[:200] if parsed.device else None
    source.source_format = parsed.source_format.value
    source.is_device_file = parsed.is_device_file
    source.has_samples = parsed.has_samples
    source.is_virtual = parsed.is_virtual
    source.effort_rpe = parsed.effort_rpe


def sources_of(
    session: Session, activity_ids: Iterable[int]
) -> list[tuple[ActivitySource, str, str | None]]:
    """The sources of some activities with their file's stored name and export title."""
    query = (
        select(ActivitySource, OriginalFile.filename, OriginalFile.name_hint)
        .join(OriginalFile, OriginalFile.sha256 == ActivitySource.sha256)
        .where(ActivitySource.activity_id.in_(list(activity_ids)))
        .order_by(ActivitySource.activity_id, ActivitySource.sha256, ActivitySource.session_index)
    )
    return [(source, name, hint) for source, name, hint in session.execute(query).all()]


def sources_for_hash(session: Session, sha256: str) -> Sequence[ActivitySource]:
    return session.scalars(
        select(ActivitySource)
        .where(ActivitySource.sha256 == sha256)
        .order_by(ActivitySource.session_index)
    ).all()


def orphan_originals(session: Session, sha256s: Iterable[str]) -> list[OriginalFile]:
    """Of these stored files, those no activity is made of any more."""
    wanted = list(set(sha256s))
    if not wanted:
        return []
    used = select(ActivitySource.sha256).where(ActivitySource.sha256.in_(wanted))
    query = select(OriginalFile).where(
        OriginalFile.sha256.in_(wanted), OriginalFile.sha256.not_in(used)
    )
    return list(session.scalars(query))
