"""The activity log (issue #12): every activity as one table row, one activity's track and
curves from its stored original file, its pain entries, and the runner's edits of its name and
shoe (the sport is `activities.set_sport`)."""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Athlete, OriginalFile, PainEntry
from loadwatch.domain import ActivityRow, Sport
from loadwatch.errors import InputError, LoadwatchError
from loadwatch.importers import parse_samples
from loadwatch.importers.samples import TrackSamples
from loadwatch.services._checks import athlete_name, check_id, clean_text
from loadwatch.services.merge import primary_order
from loadwatch.services.pain import PainEntryView, pain_view
from loadwatch.services.shoes import assign_shoes
from loadwatch.services.store import record_of

_HINT = "; `loadwatch activities` lists them"
ON_FOOT = frozenset({Sport.RUN, Sport.WALK, Sport.HIKE})
PACE_WINDOW_S = 30.0  # pace over 30 s centred on each point: GPS noise is ~1 m per second
STOPPED_SPEED_M_PER_S = 0.5  # slower than this is standing: no pace is drawn (importers agree)
NAME_MAX_LENGTH = 200  # activities.name column

TABLE_COLUMNS = (
    "activity_id",
    "local_start",
    "name",
    "sport",
    "sport_source",
    "distance_m",
    "duration_s",
    "moving_s",
    "pace_s_per_km",
    "ascent_m",
    "avg_hr_bpm",
    "shoe",
    "pain_max",
)
TRACK_COLUMNS = (
    "elapsed_s",
    "local_time",
    "lat",
    "lon",
    "distance_m",
    "elevation_m",
    "heart_rate_bpm",
    "cadence",
    "pace_s_per_km",
)


def activity_table(engine: Engine, athlete: str, *, actor: Actor = LOCAL) -> pd.DataFrame:
    """Every activity of the athlete, newest first, one row each (columns `TABLE_COLUMNS`).

    `local_start` is the local wall-clock start (naive datetime); `pace_s_per_km` is moving
    time over distance (NaN without distance); `pain_max` is the highest during/after score of
    the pain entries linked to the activity (NaN when none). Empty log: an empty frame with the
    same columns.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read the athlete.
    """
    athlete = athlete_name(athlete)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        rows = repository.activity_table_rows(session, row.id)
        pain = _pain_scores(session, row.id)
    auth.audit(engine, actor, "activities-view", [row.name], is_read=True)
    return _table_frame(rows, pain)


def _table_frame(
    rows: list[tuple[object, ...]], pain: Sequence[tuple[int | None, int | None, int | None]]
) -> pd.DataFrame:
    """`TABLE_COLUMNS` from `repository.activity_table_rows` and the (activity_id, during,
    after) scores of their pain entries."""
    worst: dict[int, int] = {}
    for activity_id, during, after in pain:
        scores = [s for s in (during, after) if s is not None]
        if activity_id is not None and scores:
            worst[activity_id] = max(worst.get(activity_id, 0), *scores)
    # Whole columns at once (issue #27): ten years of activities are one query of columns and
    # a few array operations, not one ORM object and one Python row each.
    columns = list(zip(*rows, strict=True)) if rows else [()] * 12
    (ids, started, offsets, name, sport, source, distance, duration, moving, ascent, hr, shoe) = (
        columns
    )
    utc = pd.to_datetime(pd.Series(started, dtype=object), utc=True)
    local = (utc + pd.to_timedelta(np.asarray(offsets, dtype=float), unit="s")).dt.tz_localize(None)
    metres = np.asarray(distance, dtype=float)
    seconds = np.asarray(moving, dtype=float)
    seconds = np.where(seconds > 0, seconds, np.asarray(duration, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = np.where((metres > 0) & (seconds > 0), seconds / (metres / 1000), math.nan)
    return pd.DataFrame(
        {
            "activity_id": pd.Series(ids, dtype="int64"),
            "local_start": local.to_numpy(dtype="datetime64[ns]"),
            "name": pd.Series([n or "" for n in name], dtype=object),
            "sport": pd.Series(sport, dtype=object),
            "sport_source": pd.Series(source, dtype=object),
            "distance_m": metres,
            "duration_s": np.asarray(duration, dtype=float),
            "moving_s": np.asarray(moving, dtype=float),
            "pace_s_per_km": pace,
            "ascent_m": np.asarray([math.nan if v is None else v for v in ascent], dtype=float),
            "avg_hr_bpm": np.asarray([math.nan if v is None else v for v in hr], dtype=float),
            "shoe": pd.Series(shoe, dtype=object),
            "pain_max": np.asarray([float(worst.get(i, math.nan)) for i in ids], dtype=float),
        },
        columns=list(TABLE_COLUMNS),
    )


PAGE_ROWS = 50  # the Activities page's rows per page (issue #27)


@dataclass(frozen=True, slots=True)
class ActivityPage:
    """One page of the activity log, newest first, and what the page's header shows.

    `frame` holds the page's rows (columns `TABLE_COLUMNS`); `count`, `distance_m` and
    `moving_s` are over every activity the filters keep (all pages); `log_count`, `sports`,
    `first_day` and `last_day` describe the whole log (for the filters' choices). `page` is
    1-based and within 1..`pages`.
    """

    frame: pd.DataFrame
    page: int
    pages: int
    per_page: int
    count: int
    distance_m: float
    moving_s: float
    log_count: int
    sports: tuple[str, ...]
    first_day: date | None
    last_day: date | None


def activity_page(
    engine: Engine,
    athlete: str,
    page: int = 1,
    *,
    per_page: int = PAGE_ROWS,
    sports: Sequence[str] = (),
    first: date | None = None,
    last: date | None = None,
    containing: int | None = None,
    actor: Actor = LOCAL,
) -> ActivityPage:
    """One page of `activity_table`: the activities of `sports` (empty: every sport) from
    local day `first` to `last` (both included), newest first, `per_page` a page; read with
    SQL through the (athlete_id, started_at) index, the totals as SQL sums, so the cost does
    not grow with the log (issue #27). A page past the last gives the last; `containing` (an
    activity id the filters keep) gives the page that holds it instead.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read the athlete.
        InputError: `per_page` below 1.
    """
    athlete = athlete_name(athlete)
    if per_page < 1:
        raise InputError(f"rows per page must be 1 or more, not {per_page}")
    log = repository.LogFilter(tuple(sports), first, last)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        log_count, log_sports, first_day, last_day = repository.activity_log_span(session, row.id)
        count, metres, seconds = repository.activity_log_totals(session, row.id, log)
        pages = max(1, -(-count // per_page))
        if containing is not None:
            position = repository.activity_log_position(session, row.id, containing, log)
            if position is not None:
                page = position // per_page + 1
        page = min(max(page, 1), pages)
        rows = repository.activity_table_rows(
            session, row.id, log, limit=per_page, offset=(page - 1) * per_page
        )
        pain = _pain_scores(session, row.id, [r[0] for r in rows])
    auth.audit(engine, actor, "activities-view", [row.name], is_read=True)
    return ActivityPage(
        frame=_table_frame(rows, pain),
        page=page,
        pages=pages,
        per_page=per_page,
        count=count,
        distance_m=metres,
        moving_s=seconds,
        log_count=log_count,
        sports=log_sports,
        first_day=first_day,
        last_day=last_day,
    )


def _pain_scores(
    session: Session, athlete_id: int, activity_ids: Sequence[object] | None = None
) -> Sequence[tuple[int | None, int | None, int | None]]:
    """(activity_id, during, after) of the athlete's pain entries linked to an activity (to
    `activity_ids` only, when given)."""
    query = select(PainEntry.activity_id, PainEntry.during, PainEntry.after).where(
        PainEntry.athlete_id == athlete_id, PainEntry.activity_id.is_not(None)
    )
    if activity_ids is not None:
        query = query.where(PainEntry.activity_id.in_(activity_ids))
    return [tuple(r) for r in session.execute(query)]  # type: ignore[misc]


def _table_row(row: ActivityRow, pain_max: int | None) -> tuple[object, ...]:
    return (
        row.id,
        (row.started_at + timedelta(seconds=row.utc_offset_s)).replace(tzinfo=None),
        row.name or "",
        row.sport.value,
        row.sport_source.value,
        row.distance_m,
        row.duration_s,
        row.moving_s,
        pace_s_per_km(row.distance_m, row.moving_s or row.duration_s),
        row.ascent_m,
        row.avg_hr_bpm,
        row.shoe,
        math.nan if pain_max is None else float(pain_max),
    )


def pace_s_per_km(distance_m: float, seconds: float) -> float:
    """Seconds per kilometre; NaN without distance or time."""
    if distance_m <= 0 or seconds <= 0:
        return math.nan
    return seconds / (distance_m / 1000)


@dataclass(frozen=True, slots=True)
class ActivityTrack:
    """One activity's points from its stored original (columns `TRACK_COLUMNS`).

    `cadence` is in `cadence_unit`: steps per minute (spm, both feet) on foot, else rpm.
    `has_positions` is False for an indoor or virtual activity (no outline to draw).
    `note` says why the frame is empty, or which file it was drawn from.
    """

    frame: pd.DataFrame
    cadence_unit: str
    has_positions: bool
    source_file: str | None
    note: str

    @property
    def avg_cadence(self) -> float | None:
        """Mean cadence while moving, in `cadence_unit` (rpm on a ride, issue #24); None
        without cadence samples."""
        if self.frame.empty:
            return None
        moving = self.frame["cadence"][self.frame["cadence"] > 0]
        return float(moving.mean()) if not moving.empty else None


def activity_track(
    engine: Engine, activity_id: int, *, actor: Actor = LOCAL, max_points: int | None = None
) -> ActivityTrack:
    """The points of an activity over time, read from the richest of its stored files (the
    primary source, or the first source with positions when the primary has none).

    Pace is over `PACE_WINDOW_S` around each point (NaN when stopped: slower than 0.5 m/s);
    distance is the file's own cumulative distance, else the length of the GPS track so far.
    A file that cannot be read again gives an empty frame and says why in `note`.
    `max_points` keeps at most that many points, evenly spread over the activity (first and
    last kept), after pace is computed on every point: a one-hour 1 s file is 3,600 points per
    curve, more than a chart can show (issue #27); None keeps them all.

    Raises:
        NotFoundError: unknown activity. NotAllowedError: `actor` may not read it.
    """
    check_id(activity_id, "activity", _HINT)
    with Session(engine) as session:
        activity = repository.get_activity(session, activity_id)
        auth.require_read(session, actor, activity.athlete_id)
        sport = Sport(activity.sport)
        offset_s = activity.utc_offset_s
        sources = sorted(
            (record_of(*r) for r in repository.sources_of(session, [activity.id])),
            key=primary_order,
        )
        files = {s.sha256: (s.filename, session.get(OriginalFile, s.sha256)) for s in sources}
        athlete = session.get_one(Athlete, activity.athlete_id).name
        contents = {
            sha: (name, zlib.decompress(original.content_zlib) if original else b"")
            for sha, (name, original) in files.items()
        }
    auth.audit(engine, actor, "activity-view", [athlete], is_read=True)
    unit = "spm" if sport in ON_FOOT else "rpm"
    empty = pd.DataFrame(columns=list(TRACK_COLUMNS))
    candidates: list[tuple[str, TrackSamples, float]] = []
    reasons: list[str] = []
    for source in sources:
        name, data = contents[source.sha256]
        try:
            samples = parse_samples(data, name)
        except LoadwatchError as exc:
            reasons.append(str(exc))
            continue
        start = source.started_at.timestamp()
        window = samples.window(start, start + source.duration_s)
        if len(window) >= 2:
            candidates.append((name, window, source.started_at.timestamp()))
    if not candidates:
        why = reasons[0] if reasons else "its files hold a summary only, no points over time"
        return ActivityTrack(empty, unit, False, None, f"No track to draw: {why}")
    located = [c for c in candidates if bool(np.isfinite(c[1].lat).sum() >= 2)]
    name, samples, start_s = (located or candidates)[0]
    frame = _track_frame(samples, start_s, offset_s, 2.0 if sport in ON_FOOT else 1.0)
    if max_points is not None and len(frame) > max_points:
        keep = np.unique(np.linspace(0, len(frame) - 1, max(max_points, 2)).round().astype(int))
        frame = frame.iloc[keep].reset_index(drop=True)
    return ActivityTrack(frame, unit, bool(located), name, f"Drawn from {name}")


def _track_frame(
    samples: TrackSamples, start_s: float, offset_s: int, cadence_factor: float
) -> pd.DataFrame:
    time_s = samples.time_s
    distance = samples.distance_or_track_m()
    filled = pd.Series(distance).ffill().fillna(0.0).to_numpy()
    filled = np.maximum.accumulate(filled)
    low = np.searchsorted(time_s, time_s - PACE_WINDOW_S / 2, side="left")
    high = np.searchsorted(time_s, time_s + PACE_WINDOW_S / 2, side="right") - 1
    dt = time_s[high] - time_s[low]
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, (filled[high] - filled[low]) / dt, np.nan)
        pace = np.where(speed >= STOPPED_SPEED_M_PER_S, 1000.0 / speed, np.nan)
    if not np.isfinite(distance).any():
        pace = np.full(time_s.size, np.nan)
    local = pd.to_datetime(time_s + offset_s, unit="s")
    return pd.DataFrame(
        {
            "elapsed_s": time_s - start_s,
            "local_time": local,
            "lat": samples.lat,
            "lon": samples.lon,
            "distance_m": np.where(np.isfinite(distance), filled, np.nan),
            "elevation_m": samples.elevation_m,
            "heart_rate_bpm": samples.heart_rate_bpm,
            "cadence": samples.cadence_per_min * cadence_factor,
            "pace_s_per_km": pace,
        },
        columns=list(TRACK_COLUMNS),
    )


def activity_pain(engine: Engine, activity_id: int, *, actor: Actor = LOCAL) -> list[PainEntryView]:
    """The pain entries of an activity: those logged for it, and the next morning's check-in
    (the morning after its local day), oldest first.

    Raises:
        NotFoundError: unknown activity. NotAllowedError: `actor` may not read it.
    """
    check_id(activity_id, "activity", _HINT)
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
    check_id(activity_id, "activity", _HINT)
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
