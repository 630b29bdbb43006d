"""Queries: take a session first, return domain values or DataFrames, never commit.

The queries on an activity's sources are in `sources.py`; the ones callers use are re-exported
here, so services keep writing `repository.apply_parsed(...)`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Date, Select, String, cast, func, select, text, type_coerce
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from loadwatch.db import admin
from loadwatch.db.changes import data_version as data_version
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

# Only the column-name constants of load/: one definition of every frame's columns (STYLE 3).
from loadwatch.load.frames import (
    ACTIVITY_COLUMNS,
    ACTIVITY_ID,
    PAIN_COLUMNS,
    SHOE_COLUMNS,
    SPORT,
    STARTED_AT,
)

if TYPE_CHECKING:
    import pandas as pd


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
    return [_row(a, name, shoe) for a, name, shoe in session.execute(query)]


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


def _row(activity: Activity, athlete: str, shoe: str | None) -> ActivityRow:
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


def activities_frame(
    session: Session, athlete_id: int, since: datetime | None = None
) -> pd.DataFrame:
    """Columns of load/frames.py's ACTIVITY_COLUMNS for one athlete, oldest first."""
    return activities_frames_for(session, [athlete_id], since)[athlete_id]


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


def _split(
    frame: pd.DataFrame, athlete_ids: list[int], columns: list[str]
) -> dict[int, pd.DataFrame]:
    """One frame per athlete from a frame with `athlete_id`; athletes without rows share an
    empty frame (building fifty empty DataFrames costs more than the squad's rules)."""
    empty = frame.iloc[0:0][columns]
    parts: dict[int, pd.DataFrame] = {}
    for athlete_id, part in frame.groupby("athlete_id"):
        parts[int(str(athlete_id))] = part[columns].reset_index(drop=True)
    return {a: parts.get(a, empty) for a in athlete_ids}


def shoes_frame_for_all(session: Session, athlete_ids: list[int]) -> pd.DataFrame:
    """load/frames.py SHOE_COLUMNS plus `athlete_id` for many athletes, in one query (columns,
    not ORM objects: a squad holds hundreds of pairs)."""
    import pandas as pd  # here, not at the top: `loadwatch athletes` needs no pandas (#13)

    query = (
        select(
            Shoe.athlete_id,
            Shoe.id,
            Shoe.name,
            Shoe.starting_distance_m,
            Shoe.window_start_m,
            Shoe.window_end_m,
            Shoe.retired_on.is_not(None),
            Shoe.is_default,
        )
        .where(Shoe.athlete_id.in_(athlete_ids))
        .order_by(Shoe.created_at, Shoe.id)
    )
    rows = [tuple(r) for r in session.execute(query)]
    frame = pd.DataFrame(rows, columns=["athlete_id", *list(SHOE_COLUMNS)])
    if rows:  # booleans as Python bools, as the ORM gave them (SQLite returns 0/1)
        frame["retired"] = [bool(v) for v in frame["retired"]]
        frame["is_default"] = [bool(v) for v in frame["is_default"]]
    floats = {
        "starting_distance_m": "float64",
        "window_start_m": "float64",
        "window_end_m": "float64",
    }
    return frame.astype(floats)


def shoes_frames_for(session: Session, athlete_ids: list[int]) -> dict[int, pd.DataFrame]:
    """load/frames.py SHOE_COLUMNS per athlete, in one query."""
    return _split(shoes_frame_for_all(session, athlete_ids), athlete_ids, list(SHOE_COLUMNS))


def shoes_frame(session: Session, athlete_id: int) -> pd.DataFrame:
    return shoes_frames_for(session, [athlete_id])[athlete_id]


def pain_frame_for_all(
    session: Session, athlete_ids: list[int], first: date | None = None, last: date | None = None
) -> pd.DataFrame:
    """load/frames.py PAIN_COLUMNS plus `athlete_id` for many athletes, oldest first, in one
    query; `first`/`last` bound the entry dates (both included) through the index."""
    import pandas as pd  # here, not at the top: `loadwatch athletes` needs no pandas (#13)

    query = (
        select(
            PainEntry.athlete_id,
            PainEntry.entry_date,
            PainEntry.during,
            PainEntry.after,
            PainEntry.morning,
            PainEntry.location,
            PainEntry.activity_id,
        )
        .where(PainEntry.athlete_id.in_(athlete_ids))
        .order_by(PainEntry.entry_date, PainEntry.id)
    )
    if first is not None:
        query = query.where(PainEntry.entry_date >= first)
    if last is not None:
        query = query.where(PainEntry.entry_date <= last)
    rows = [tuple(r) for r in session.execute(query)]
    frame = pd.DataFrame(rows, columns=["athlete_id", *list(PAIN_COLUMNS)])
    return frame.astype({"during": "float64", "after": "float64", "morning": "float64"})


def pain_frames_for(session: Session, athlete_ids: list[int]) -> dict[int, pd.DataFrame]:
    """load/frames.py PAIN_COLUMNS per athlete, oldest first, in one query."""
    return _split(pain_frame_for_all(session, athlete_ids), athlete_ids, list(PAIN_COLUMNS))


def pain_frame(
    session: Session, athlete_id: int, first: date | None = None, last: date | None = None
) -> pd.DataFrame:
    """load/frames.py PAIN_COLUMNS for one athlete, entry dates from `first` to `last`."""
    frame = pain_frame_for_all(session, [athlete_id], first, last)
    return _split(frame, [athlete_id], list(PAIN_COLUMNS))[athlete_id]


def activities_frame_for_all(
    session: Session,
    athlete_ids: list[int],
    since: datetime | None,
    until: datetime | None = None,
) -> pd.DataFrame:
    """ACTIVITY_COLUMNS plus `athlete_id` for many athletes in one query, each athlete's
    oldest first; `since`/`until` bound the UTC start (`until` excluded) through the
    (athlete_id, started_at) index."""
    import pandas as pd  # here, not at the top: `loadwatch athletes` needs no pandas (#13)

    columns = list(ACTIVITY_COLUMNS)
    # SQLite stores the UTC start as ISO text: read the text and parse the column at once
    # (issue #27: parsing, then tagging, each row's datetime was most of a squad's read).
    is_text = session.get_bind().dialect.name == "sqlite"
    start = type_coerce(Activity.started_at, String) if is_text else Activity.started_at
    selected = [
        start.label(c) if c == STARTED_AT else getattr(Activity, _activity_field(c)).label(c)
        for c in columns
    ]
    query = select(
        Activity.athlete_id,
        *selected,
    ).where(Activity.athlete_id.in_(athlete_ids))
    if since is not None:
        query = query.where(Activity.started_at >= since)
    if until is not None:
        query = query.where(Activity.started_at < until)
    # Core rows (no ORM result processing), turned into columns once; flushed first, as the
    # session's own execute would (autoflush), so pending changes are read too.
    if session.autoflush:
        session.flush()
    rows = session.connection().execute(query.order_by(Activity.started_at, Activity.id)).all()
    names = ["athlete_id", *columns]
    frame = pd.DataFrame(
        dict(zip(names, map(list, zip(*rows, strict=True)), strict=True)) if rows else [],
        columns=names,
    )
    if is_text:
        frame["started_at"] = pd.to_datetime(frame["started_at"], format="ISO8601").dt.tz_localize(
            "UTC"
        )
    else:
        frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    floats = [c for c in columns if c not in (ACTIVITY_ID, SPORT, STARTED_AT)]
    return frame.astype(dict.fromkeys(floats, "float64"))


def _activity_field(column: str) -> str:
    return "id" if column == ACTIVITY_ID else column


def activities_frames_for(
    session: Session, athlete_ids: list[int], since: datetime | None
) -> dict[int, pd.DataFrame]:
    """activities_frame for many athletes in one query (the squad view)."""
    frame = activities_frame_for_all(session, athlete_ids, since)
    return _split(frame, athlete_ids, list(ACTIVITY_COLUMNS))


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
