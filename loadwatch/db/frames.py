"""The rules' inputs as DataFrames (activities, shoes, pain), for one athlete or a whole squad
in one query per table (issue #27). Like repository.py: take a session first, never commit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Executable, String, func, select, tuple_, type_coerce, union
from sqlalchemy.orm import Session, aliased

from loadwatch.db.changes import data_version as data_version
from loadwatch.db.models import (
    Activity,
    Athlete,
    PainEntry,
    Shoe,
)
from loadwatch.db.sources import activities_starting_between as activities_starting_between
from loadwatch.db.sources import activity_ids_for_hash as activity_ids_for_hash
from loadwatch.db.sources import apply_parsed as apply_parsed
from loadwatch.db.sources import orphan_originals as orphan_originals
from loadwatch.db.sources import sources_for_hash as sources_for_hash
from loadwatch.db.sources import sources_of as sources_of
from loadwatch.load.frames import (
    ACTIVITY_COLUMNS,
    ACTIVITY_ID,
    PAIN_COLUMNS,
    SHOE_COLUMNS,
    SPORT,
    STARTED_AT,
    int64_column,
    utc_starts_column,
)

if TYPE_CHECKING:
    import pandas as pd


def activities_frame(
    session: Session, athlete_id: int, since: datetime | None = None
) -> pd.DataFrame:
    """Columns of load/frames.py's ACTIVITY_COLUMNS for one athlete, oldest first."""
    return activities_frames_for(session, [athlete_id], since)[athlete_id]


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
    """load/frames.py PAIN_COLUMNS plus `athlete_id` for many athletes, by athlete, each
    athlete's oldest first, in one query; `first`/`last` bound the entry dates (both
    included) through the index."""
    is_text, columns = _pain_columns(session)
    query = (
        select(*columns)
        .where(PainEntry.athlete_id.in_(athlete_ids))
        # athlete first: the (athlete_id, entry_date) index gives this order without a sort
        .order_by(PainEntry.athlete_id, PainEntry.entry_date, PainEntry.id)
    )
    if first is not None:
        query = query.where(PainEntry.entry_date >= first)
    if last is not None:
        query = query.where(PainEntry.entry_date <= last)
    return _pain_frame(_driver_rows(session, query), is_text)


def _pain_columns(session: Session) -> tuple[bool, list[Any]]:
    """Whether the day is read as text (SQLite), and PAIN_COLUMNS plus `athlete_id`."""
    # SQLite stores the day as ISO text: read the text and parse the column at once (#27)
    is_text = session.get_bind().dialect.name == "sqlite"
    day = type_coerce(PainEntry.entry_date, String) if is_text else PainEntry.entry_date
    return is_text, [
        PainEntry.athlete_id,
        day.label("entry_date"),
        PainEntry.during,
        PainEntry.after,
        PainEntry.morning,
        PainEntry.location,
        PainEntry.activity_id,
    ]


def squad_pain_frame(
    session: Session, athlete_ids: list[int], first: date, whole: Collection[int] = ()
) -> pd.DataFrame:
    """`pain_frame_for_all`'s frame cut to what the squad's rules read (issue #27): for the
    athletes in `whole`, every entry; for the others, the entries from `first` on, plus, from
    before it, each athlete's first entries (the first day's) and every entry naming a run an
    entry from `first` on names (the run's first entry orders its day's entries: see
    `rules.batch_pain`). Each athlete's oldest first, as `pain_frame_for_all`.

    Every query goes through an index: (athlete_id, entry_date) or activity_id.
    """
    is_text, columns = _pain_columns(session)
    order = (PainEntry.athlete_id, PainEntry.entry_date, PainEntry.id)
    whole_ids = [a for a in athlete_ids if a in set(whole)]
    cut = [a for a in athlete_ids if a not in set(whole)]
    parts = []
    if whole_ids:
        parts.append(select(*columns, PainEntry.id).where(PainEntry.athlete_id.in_(whole_ids)))
    if cut:
        recent = PainEntry.athlete_id.in_(cut) & (PainEntry.entry_date >= first)
        runs = select(PainEntry.activity_id).where(recent, PainEntry.activity_id.is_not(None))
        earliest = aliased(PainEntry)
        first_days = select(
            Athlete.id,
            select(func.min(earliest.entry_date))
            .where(earliest.athlete_id == Athlete.id)
            .scalar_subquery(),
        ).where(Athlete.id.in_(cut))
        parts += [
            select(*columns, PainEntry.id).where(recent),
            # one index seek per athlete: (athlete_id, entry_date)
            select(*columns, PainEntry.id).where(
                tuple_(PainEntry.athlete_id, PainEntry.entry_date).in_(first_days)
            ),
            # through the activity_id index; entries of athletes outside the squad dropped below
            select(*columns, PainEntry.id).where(
                PainEntry.activity_id.in_(runs), PainEntry.entry_date < first
            ),
        ]
    if not parts:
        return _pain_frame([], is_text)
    rows = _driver_rows(session, union(*parts).order_by(*(c.key for c in order)))
    squad = set(athlete_ids)
    return _pain_frame([row[:-1] for row in rows if row[0] in squad], is_text)


def _pain_frame(rows: Sequence[Sequence[Any]], is_text: bool) -> pd.DataFrame:
    """PAIN_COLUMNS plus `athlete_id` from rows of `_pain_columns`."""
    import pandas as pd  # here, not at the top: `loadwatch athletes` needs no pandas (#13)

    names = ["athlete_id", *list(PAIN_COLUMNS)]
    scores = {"during": "float64", "after": "float64", "morning": "float64"}
    if not rows:
        return pd.DataFrame([], columns=names).astype(scores)
    values = dict(zip(names, zip(*rows, strict=True), strict=True))
    # the columns pandas would infer from objects (a run id may be NULL) keep that inference
    frame = pd.DataFrame(
        list(zip(values["location"], values["activity_id"], strict=True)),
        columns=["location", "activity_id"],
    )
    dates = values["entry_date"]
    data: dict[str, Any] = {
        "athlete_id": pd.Series(values["athlete_id"]),  # ints: inferred int64, no cast check
        "entry_date": pd.Series(_days(dates) if is_text else dates, dtype=object),
        **{c: pd.Series(values[c], dtype="float64") for c in scores},
        "location": frame["location"].to_numpy(),
        "activity_id": frame["activity_id"].to_numpy(),
    }
    return pd.DataFrame({name: data[name] for name in names})


def _days(texts: Sequence[str]) -> list[date]:
    """ISO days (SQLite's text) as dates, each distinct day parsed once."""
    parsed = {text: date.fromisoformat(text) for text in set(texts)}
    return [parsed[text] for text in texts]


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
    """ACTIVITY_COLUMNS plus `athlete_id` for many athletes in one query, by athlete, each
    athlete's oldest first; `since`/`until` bound the UTC start (`until` excluded) through the
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
    # athlete first: the (athlete_id, started_at) index gives this order without a sort
    order = (Activity.athlete_id, Activity.started_at, Activity.id)
    rows = _driver_rows(session, query.order_by(*order))
    names = ["athlete_id", *columns]
    floats = [c for c in columns if c not in (ACTIVITY_ID, SPORT, STARTED_AT)]
    if not rows:
        frame = pd.DataFrame([], columns=names)
        frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
        return frame.astype(dict.fromkeys(floats, "float64"))
    values = dict(zip(names, zip(*rows, strict=True), strict=True))
    # each column straight into its type (NULL: NaN), not through pandas' inference of
    # lists of objects (issue #27: most of a squad's read was building the frame)
    data: dict[str, Any] = {
        "athlete_id": int64_column(values["athlete_id"]),
        ACTIVITY_ID: int64_column(values[ACTIVITY_ID]),
        SPORT: pd.Series(values[SPORT], dtype=object),
    }
    if is_text:
        data[STARTED_AT] = utc_starts_column(values[STARTED_AT])
    else:
        data[STARTED_AT] = pd.to_datetime(pd.Series(values[STARTED_AT], dtype=object), utc=True)
    for column in floats:
        data[column] = pd.Series(values[column], dtype="float64")
    return pd.DataFrame({name: data[name] for name in names})


def _driver_rows(session: Session, query: Executable) -> Sequence[Sequence[Any]]:
    """The query's rows as the database driver gives them, turned into columns by the caller
    (issue #27: SQLAlchemy's Row objects were a third of a squad's read). Flushed first, as the
    session's own execute would (autoflush), so pending changes are read too.

    Only for columns SQLAlchemy would not convert: ints, floats, text, dates, and UTC starts
    (stored naive: the caller reads them as UTC, as UTCDateTime would)."""
    if session.autoflush:
        session.flush()
    result = session.connection().execute(query)
    try:
        rows: Sequence[Sequence[Any]] = result.cursor.fetchall()
    finally:
        result.close()
    return rows


def _activity_field(column: str) -> str:
    return "id" if column == ACTIVITY_ID else column


def activities_frames_for(
    session: Session, athlete_ids: list[int], since: datetime | None
) -> dict[int, pd.DataFrame]:
    """activities_frame for many athletes in one query (the squad view)."""
    frame = activities_frame_for_all(session, athlete_ids, since)
    return _split(frame, athlete_ids, list(ACTIVITY_COLUMNS))
