"""The activity log as a table (issue #12, #27): `activity_table`, every activity of an athlete,
and `activity_page`, one page of it with its filters and totals read in SQL (the Activities
page).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import activity_log
from loadwatch.db.models import PainEntry
from loadwatch.domain import ActivityRow
from loadwatch.errors import InputError
from loadwatch.services._checks import athlete_name
from loadwatch.services.tracks import pace_s_per_km

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
        rows = activity_log.activity_table_rows(session, row.id)
        pain = _pain_scores(session, row.id)
    auth.audit(engine, actor, "activities-view", [row.name], is_read=True)
    return _table_frame(rows, pain)


def _table_frame(
    rows: list[tuple[object, ...]], pain: Sequence[tuple[int | None, int | None, int | None]]
) -> pd.DataFrame:
    """`TABLE_COLUMNS` from `activity_log.activity_table_rows` and the (activity_id, during,
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
    log = activity_log.LogFilter(tuple(sports), first, last)
    with Session(engine) as session:
        row = auth.athlete_for(session, actor, athlete)
        log_count, log_sports, first_day, last_day = activity_log.activity_log_span(session, row.id)
        count, metres, seconds = activity_log.activity_log_totals(session, row.id, log)
        pages = max(1, -(-count // per_page))
        if containing is not None:
            position = activity_log.activity_log_position(session, row.id, containing, log)
            if position is not None:
                page = position // per_page + 1
        page = min(max(page, 1), pages)
        rows = activity_log.activity_table_rows(
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
