"""The activity log as the Activities page reads it (issue #27): one page of rows, its totals and
its span, with the page's filters (`LogFilter`) in SQL on an index of (athlete, start). Like
repository.py: take a session first, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Date, Select, String, cast, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from loadwatch.db.changes import data_version as data_version
from loadwatch.db.frames import activities_frame as activities_frame
from loadwatch.db.frames import activities_frame_for_all as activities_frame_for_all
from loadwatch.db.frames import activities_frames_for as activities_frames_for
from loadwatch.db.frames import pain_frame as pain_frame
from loadwatch.db.frames import pain_frame_for_all as pain_frame_for_all
from loadwatch.db.frames import pain_frames_for as pain_frames_for
from loadwatch.db.frames import shoes_frame as shoes_frame
from loadwatch.db.frames import shoes_frame_for_all as shoes_frame_for_all
from loadwatch.db.frames import shoes_frames_for as shoes_frames_for
from loadwatch.db.models import (
    Activity,
    Shoe,
)
from loadwatch.db.sources import activities_starting_between as activities_starting_between
from loadwatch.db.sources import activity_ids_for_hash as activity_ids_for_hash
from loadwatch.db.sources import apply_parsed as apply_parsed
from loadwatch.db.sources import orphan_originals as orphan_originals
from loadwatch.db.sources import sources_for_hash as sources_for_hash
from loadwatch.db.sources import sources_of as sources_of

if TYPE_CHECKING:
    pass

_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True, slots=True)
class LogFilter:
    """The Activities page's filters: sports (empty: every sport) and local days (both
    included; None: unbounded)."""

    sports: tuple[str, ...] = ()
    first: date | None = None
    last: date | None = None


def _local_day(session: Session) -> ColumnElement[Any]:
    """The local calendar day of an activity's start (UTC start plus its offset), in SQL: a
    'YYYY-MM-DD' text on SQLite (the start is stored as ISO text), a DATE on PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        offset = cast(Activity.utc_offset_s, String).concat(" seconds")
        return func.date(type_coerce(Activity.started_at, String), offset)
    seconds = func.make_interval(0, 0, 0, 0, 0, 0, Activity.utc_offset_s)
    return cast(Activity.started_at + seconds, Date)


def _day_value(session: Session, day: date) -> object:
    return day.isoformat() if session.get_bind().dialect.name == "sqlite" else day


def _filtered(session: Session, query: _Query, athlete_id: int, log: LogFilter) -> _Query:
    """`query` narrowed to the athlete and `log`: the UTC start bounded a day beyond the local
    days (offsets are within 14 h) so the (athlete_id, started_at) index does the work, then
    the exact local day."""
    query = query.where(Activity.athlete_id == athlete_id)
    if log.sports:
        query = query.where(Activity.sport.in_(log.sports))
    if log.first is not None:
        since = datetime.combine(log.first - timedelta(days=1), time(), tzinfo=UTC)
        query = query.where(
            Activity.started_at >= since,
            _local_day(session) >= _day_value(session, log.first),
        )
    if log.last is not None:
        until = datetime.combine(log.last + timedelta(days=2), time(), tzinfo=UTC)
        query = query.where(
            Activity.started_at < until, _local_day(session) <= _day_value(session, log.last)
        )
    return query


def activity_table_rows(
    session: Session,
    athlete_id: int,
    log: LogFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[tuple[object, ...]]:
    """The activity log's columns for one athlete, newest first, as plain tuples: (id,
    started_at, utc_offset_s, name, sport, sport_source, distance_m, duration_s, moving_s,
    ascent_m, avg_hr_bpm, shoe name). One indexed query of columns, no ORM objects; `log`
    filters, `limit`/`offset` take one page (issue #27)."""
    query = (
        select(
            Activity.id,
            Activity.started_at,
            Activity.utc_offset_s,
            Activity.name,
            Activity.sport,
            Activity.sport_source,
            Activity.distance_m,
            Activity.duration_s,
            Activity.moving_s,
            Activity.ascent_m,
            Activity.avg_hr_bpm,
            Shoe.name,
        )
        .outerjoin(Shoe, Shoe.id == Activity.shoe_id)
        .order_by(Activity.started_at.desc(), Activity.id.desc())
    )
    query = _filtered(session, query, athlete_id, log or LogFilter())
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [tuple(r) for r in session.execute(query)]


def activity_log_totals(
    session: Session, athlete_id: int, log: LogFilter
) -> tuple[int, float, float]:
    """(count, total distance in metres, total moving seconds) of the activities `log` keeps,
    summed in SQL."""
    query = select(
        func.count(Activity.id),
        func.coalesce(func.sum(Activity.distance_m), 0.0),
        func.coalesce(func.sum(Activity.moving_s), 0.0),
    )
    count, metres, seconds = session.execute(_filtered(session, query, athlete_id, log)).one()
    return int(count), float(metres), float(seconds)


def activity_log_span(
    session: Session, athlete_id: int
) -> tuple[int, tuple[str, ...], date | None, date | None]:
    """(count, sports, first local day, last local day) of an athlete's whole log, in SQL."""
    day = _local_day(session)
    count, first, last = session.execute(
        select(func.count(Activity.id), func.min(day), func.max(day)).where(
            Activity.athlete_id == athlete_id
        )
    ).one()
    sports = session.scalars(
        select(Activity.sport).where(Activity.athlete_id == athlete_id).distinct()
    ).all()

    def as_date(value: object) -> date | None:
        if value is None or isinstance(value, date):
            return value
        return date.fromisoformat(str(value))

    return int(count), tuple(sorted(sports)), as_date(first), as_date(last)


def activity_log_position(
    session: Session, athlete_id: int, activity_id: int, log: LogFilter
) -> int | None:
    """How many activities `log` keeps come before `activity_id` newest first (its 0-based
    row); None when it is not the athlete's or `log` leaves it out."""
    target = session.execute(
        _filtered(
            session,
            select(Activity.started_at).where(Activity.id == activity_id),
            athlete_id,
            log,
        )
    ).first()
    if target is None:
        return None
    started = target[0]
    newer = select(func.count(Activity.id)).where(
        (Activity.started_at > started)
        | ((Activity.started_at == started) & (Activity.id > activity_id))
    )
    return int(session.execute(_filtered(session, newer, athlete_id, log)).scalar_one())
