"""Queries: take a session first, return domain values or DataFrames, never commit.

The queries on an activity's sources are in `sources.py` and the rules' DataFrames in
`frames.py`; the ones callers use are re-exported here, so services keep writing
`repository.activities_frame(...)`. The Activities page's paged log: `activity_log.py`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from loadwatch.db import admin
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
from loadwatch.db.frames import squad_pain_frame as squad_pain_frame
from loadwatch.db.models import (
    Activity,
    Athlete,
    Coach,
    OriginalFile,
    PainEntry,
    Setting,
    Shoe,
    SquadMember,
)
from loadwatch.db.sources import activities_starting_between as activities_starting_between
from loadwatch.db.sources import activity_ids_for_hash as activity_ids_for_hash
from loadwatch.db.sources import apply_parsed as apply_parsed
from loadwatch.db.sources import orphan_originals as orphan_originals
from loadwatch.db.sources import sources_for_hash as sources_for_hash
from loadwatch.db.sources import sources_of as sources_of
from loadwatch.domain import ActivityRow, SourceFormat, Sport, SportSource
from loadwatch.errors import NotFoundError

if TYPE_CHECKING:
    pass


def now_utc() -> datetime:
    return datetime.now(tz=UTC)


def get_or_create_athlete(session: Session, name: str, home_tz: str = "UTC") -> Athlete:
    """The athlete called `name` ignoring case (issue #10), else a new one in `home_tz`."""
    return admin.get_or_create_athlete(session, name, home_tz)


def get_athlete(session: Session, name: str) -> Athlete:
    """The athlete called `name` ignoring case; NotFoundError with the known names otherwise."""
    return admin.get_athlete(session, name)


def athletes(session: Session) -> Sequence[Athlete]:
    return session.scalars(select(Athlete).order_by(Athlete.name)).all()


def athlete_counts(session: Session) -> dict[int, tuple[int, float, datetime | None]]:
    """Per athlete id: (activity count, total distance m, latest start)."""
    rows = session.execute(
        select(
            Activity.athlete_id,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.distance_m), 0.0),
            func.max(Activity.started_at),
        ).group_by(Activity.athlete_id)
    ).all()
    return {
        int(a): (int(n), float(d), m.replace(tzinfo=UTC) if isinstance(m, datetime) else None)
        for a, n, d, m in rows
    }


def hash_owners(session: Session, hashes: Iterable[str]) -> dict[str, int]:
    """For the hashes already stored: sha256 -> the athlete id whose original it is."""
    wanted = list(set(hashes))
    if not wanted:
        return {}
    query = select(OriginalFile.sha256, OriginalFile.athlete_id).where(
        OriginalFile.sha256.in_(wanted)
    )
    return {row[0]: row[1] for row in session.execute(query)}


def add_original(
    session: Session,
    athlete_id: int,
    sha256: str,
    filename: str,
    size_bytes: int,
    content_zlib: bytes,
    sport_hint: str | None,
    gear_hint: str | None,
    name_hint: str | None = None,
    effort_hint: float | None = None,
) -> None:
    session.add(
        OriginalFile(
            sha256=sha256,
            athlete_id=athlete_id,
            filename=filename[-500:],
            size_bytes=size_bytes,
            content_zlib=content_zlib,
            sport_hint=sport_hint,
            gear_hint=gear_hint,
            name_hint=name_hint[:200] if name_hint else None,
            effort_hint=effort_hint,
            imported_at=now_utc(),
        )
    )


def activity_rows(
    session: Session,
    athlete_id: int | None = None,
    since: datetime | None = None,
    activity_id: int | None = None,
) -> list[ActivityRow]:
    query = (
        select(Activity, Athlete.name, Shoe.name)
        .join(Athlete, Athlete.id == Activity.athlete_id)
        .outerjoin(Shoe, Shoe.id == Activity.shoe_id)
        .order_by(Activity.started_at, Activity.id)
    )
    if athlete_id is not None:
        query = query.where(Activity.athlete_id == athlete_id)
    if since is not None:
        query = query.where(Activity.started_at >= since)
    if activity_id is not None:
        query = query.where(Activity.id == activity_id)
    return [activity_row_of(a, name, shoe) for a, name, shoe in session.execute(query)]


def last_activity_day(session: Session, athlete_id: int) -> date | None:
    """The local day of the athlete's latest activity (by start), or None without any: one row
    through the (athlete_id, started_at) index (issue #24: the Calendar opens on it)."""
    row = session.execute(
        select(Activity.started_at, Activity.utc_offset_s)
        .where(Activity.athlete_id == athlete_id)
        .order_by(Activity.started_at.desc(), Activity.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return (row[0] + timedelta(seconds=int(row[1]))).date()


def activity_rows_between(
    session: Session, athlete_id: int, since: datetime, until: datetime
) -> list[tuple[int, str, str | None, float, float, datetime, int]]:
    """(id, sport, name, distance_m, duration_s, started_at, utc_offset_s) of the athlete's
    activities starting (UTC) from `since` up to `until` (excluded), oldest first, through the
    (athlete_id, started_at) index."""
    query = (
        select(
            Activity.id,
            Activity.sport,
            Activity.name,
            Activity.distance_m,
            Activity.duration_s,
            Activity.started_at,
            Activity.utc_offset_s,
        )
        .where(
            Activity.athlete_id == athlete_id,
            Activity.started_at >= since,
            Activity.started_at < until,
        )
        .order_by(Activity.started_at, Activity.id)
    )
    return [
        (int(i), str(sport), name, float(m), float(s), at, int(offset))
        for i, sport, name, m, s, at, offset in session.execute(query)
    ]


def activity_row_of(activity: Activity, athlete: str, shoe: str | None) -> ActivityRow:
    return ActivityRow(
        id=activity.id,
        athlete=athlete,
        sport=Sport(activity.sport),
        sport_source=SportSource(activity.sport_source),
        sub_sport=activity.sub_sport,
        started_at=activity.started_at,
        utc_offset_s=activity.utc_offset_s,
        distance_m=activity.distance_m,
        duration_s=activity.duration_s,
        moving_s=activity.moving_s,
        ascent_m=activity.ascent_m,
        descent_m=activity.descent_m,
        avg_hr_bpm=activity.avg_hr_bpm,
        avg_cadence_spm=activity.avg_cadence_spm,
        device=activity.device,
        source_format=SourceFormat(activity.source_format),
        source_file=activity.source_file,
        shoe=shoe,
        name=activity.name,
    )


def get_activity(session: Session, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFoundError(f"no activity with id {activity_id}; `loadwatch activities` lists them")
    return activity


def activities_between(
    session: Session, athlete_id: int, first: date, last: date
) -> Sequence[Activity]:
    """The athlete's activities starting (UTC) from `first` up to but not including `last`."""
    start = datetime.combine(first, time(), tzinfo=UTC)
    end = datetime.combine(last, time(), tzinfo=UTC)
    query = select(Activity).where(
        Activity.athlete_id == athlete_id, Activity.started_at >= start, Activity.started_at < end
    )
    return session.scalars(query.order_by(Activity.started_at)).all()


def latest_activity(
    session: Session, athlete_id: int, sport: Sport | None = None
) -> Activity | None:
    query = select(Activity).where(Activity.athlete_id == athlete_id)
    if sport is not None:
        query = query.where(Activity.sport == sport.value)
    return session.scalar(query.order_by(Activity.started_at.desc()).limit(1))


def originals(session: Session) -> Iterable[OriginalFile]:
    return session.scalars(select(OriginalFile).order_by(OriginalFile.imported_at)).yield_per(50)


def shoes(session: Session, athlete_id: int) -> Sequence[Shoe]:
    return session.scalars(
        select(Shoe).where(Shoe.athlete_id == athlete_id).order_by(Shoe.created_at, Shoe.id)
    ).all()


def shoe_by_name(session: Session, athlete_id: int, name: str) -> Shoe | None:
    return session.scalar(select(Shoe).where(Shoe.athlete_id == athlete_id, Shoe.name == name))


def default_shoe(session: Session, athlete_id: int) -> Shoe | None:
    return session.scalar(
        select(Shoe).where(
            Shoe.athlete_id == athlete_id, Shoe.is_default.is_(True), Shoe.retired_on.is_(None)
        )
    )


def pain_entries(
    session: Session, athlete_id: int, since: date | None = None
) -> Sequence[PainEntry]:
    query = select(PainEntry).where(PainEntry.athlete_id == athlete_id)
    if since is not None:
        query = query.where(PainEntry.entry_date >= since)
    return session.scalars(query.order_by(PainEntry.entry_date, PainEntry.id)).all()


def settings(session: Session, athlete_id: int) -> Setting:
    setting = session.get(Setting, athlete_id)
    if setting is None:
        setting = Setting(athlete_id=athlete_id, units="km", week_start=0, thresholds_json=None)
        session.add(setting)
        session.flush()
    return setting


def create_shoe(
    session: Session,
    athlete_id: int,
    name: str,
    brand_model: str | None,
    starting_distance_m: float,
    window_m: tuple[float, float],
    is_default: bool = False,
    first_used_on: date | None = None,
) -> Shoe:
    """A new pair; `window_m` comes from the athlete's thresholds (services decide, not db)."""
    shoe = Shoe(
        athlete_id=athlete_id,
        name=name,
        brand_model=brand_model,
        starting_distance_m=starting_distance_m,
        window_start_m=window_m[0],
        window_end_m=window_m[1],
        retired_on=None,
        is_default=is_default,
        first_used_on=first_used_on,
        created_at=now_utc(),
    )
    session.add(shoe)
    session.flush()
    return shoe


def settings_for(session: Session, athlete_ids: list[int]) -> dict[int, Setting]:
    """The stored settings rows of many athletes in one query (athletes without one are left
    out: callers use the defaults)."""
    query = select(Setting).where(Setting.athlete_id.in_(athlete_ids))
    return {s.athlete_id: s for s in session.scalars(query)}


def coaches(session: Session) -> Sequence[Coach]:
    return session.scalars(select(Coach).order_by(Coach.name)).all()


def get_or_create_coach(session: Session, name: str) -> Coach:
    coach = session.scalar(select(Coach).where(Coach.name == name))
    if coach is None:
        coach = Coach(name=name, created_at=now_utc())
        session.add(coach)
        session.flush()
    return coach


def get_coach(session: Session, name: str) -> Coach:
    """Raises NotFoundError with the known coaches when `name` is unknown."""
    coach = session.scalar(select(Coach).where(Coach.name == name))
    if coach is None:
        known = ", ".join(c.name for c in coaches(session)) or "none"
        raise NotFoundError(f"no coach named {name!r}; known coaches: {known}")
    return coach


def squad_athlete_ids(session: Session, coach_id: int) -> set[int]:
    return set(
        session.scalars(select(SquadMember.athlete_id).where(SquadMember.coach_id == coach_id))
    )


def add_squad_member(session: Session, coach_id: int, athlete_id: int) -> None:
    if session.get(SquadMember, (coach_id, athlete_id)) is None:
        session.add(SquadMember(coach_id=coach_id, athlete_id=athlete_id, joined_at=now_utc()))
        session.flush()


def squads_of(session: Session, athlete_id: int) -> set[int]:
    """The squads (`coaches` rows) an athlete is a member of."""
    return set(
        session.scalars(select(SquadMember.coach_id).where(SquadMember.athlete_id == athlete_id))
    )


def lock_athlete(session: Session, athlete_id: int) -> None:
    """Serialise writers of one athlete's activities until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock keyed by the athlete, so two imports of the
    same activity from two formats cannot both miss each other. SQLite allows one writer at a
    time already (see engine.writer), so nothing is needed there.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": athlete_id})


def is_deadlock(exc: OperationalError) -> bool:
    """True for PostgreSQL's deadlock victim (SQLSTATE 40P01) and serialisation failures."""
    return getattr(exc.orig, "sqlstate", None) in {"40P01", "40001"}
