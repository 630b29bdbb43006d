"""An activity's sources (`activity_sources`) and the stored files they come from: which
activities a file is a source of, the possible duplicates of an import
(`same_activity_candidates`), and copying a parsed session onto its source row. Like
repository.py: take a session first, never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loadwatch.db.models import Activity, ActivitySource, OriginalFile
from loadwatch.domain import ParsedActivity, SourceFormat

SAME_START_TOLERANCE_S = 60
MAX_TZ_SHIFT_H = 14
MAX_ELAPSED_S = 12 * 24 * 3600  # services/_worker.MAX_DURATION_S: how far back an overlap can start
SAME_ACTIVITY_OVERLAP = 0.5  # of the shorter recording's elapsed span (issue #10)


def activity_ids_for_hash(session: Session, sha256: str) -> list[int]:
    """The activities a stored file is a source of (several for a multisport file)."""
    query = (
        select(ActivitySource.activity_id)
        .where(ActivitySource.sha256 == sha256)
        .distinct()
        .order_by(ActivitySource.activity_id)
    )
    return list(session.scalars(query))


def same_activity_candidates(
    session: Session,
    athlete_id: int,
    started_at: datetime,
    duration_s: float,
    source_format: SourceFormat,
    utc_offset_s: int,
    exclude_id: int | None = None,
) -> list[Activity]:
    """The athlete's activities that are this recording from another source, lowest id first.

    One athlete cannot do two activities at once (issue #10): two recordings whose elapsed
    spans overlap by at least half of the shorter one's elapsed span are the same activity,
    whatever their sports say (elapsed is compared with elapsed, never with a timer).

    A time-zone shift is allowed only as the bug that causes it: an exporter writing local time
    as UTC moves a run by exactly its local UTC offset, and only between two different formats
    (a watch's FIT and a Strava GPX); such a shifted copy must then start within 60 s and last
    within 5 % of the other. Two runs of the same length exactly 12 hours apart do not overlap:
    a twice-a-day routine, not one run (found by the benchmark archives).
    """
    window_before = timedelta(seconds=MAX_ELAPSED_S, hours=MAX_TZ_SHIFT_H)
    end = started_at + timedelta(seconds=max(duration_s, 0.0))
    query = select(Activity).where(
        Activity.athlete_id == athlete_id,
        Activity.started_at >= started_at - window_before,
        Activity.started_at <= end + timedelta(hours=MAX_TZ_SHIFT_H, seconds=60),
    )
    if exclude_id is not None:
        query = query.where(Activity.id != exclude_id)
    matches = []
    for row in session.scalars(query.order_by(Activity.id)).all():
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
            and abs(row.duration_s - duration_s) / longest <= 0.05
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
