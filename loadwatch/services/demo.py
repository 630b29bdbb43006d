"""The demo squad, loaded through the real import path into a database of its own (issue #12:
the user's own database never receives demo athletes). Nothing but the services package
imports this module."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db.engine import writer
from loadwatch.db.models import Athlete, DatabaseInfo
from loadwatch.domain import ImportResult, Sport
from loadwatch.errors import InputError
from loadwatch.services._common import today as local_today
from loadwatch.services._localtime import local_day
from loadwatch.services.athletes import list_activities, list_athletes
from loadwatch.services.imports import import_uploads
from loadwatch.services.membership import add_to_squad
from loadwatch.services.pain import log_morning_pain, log_pain
from loadwatch.services.shoes import add_shoe, assign_shoes, retire_shoe, set_default_shoe
from loadwatch.units import METRES_PER_MILE


def load_demo(
    engine: Engine, today: date | None = None, seed: int = 42, *, actor: Actor = LOCAL
) -> list[ImportResult]:
    """Load the demo squad through the real import path, then its shoes and pain entries.

    Athletes already present are skipped, so loading twice changes nothing. The database is
    marked as the demo's (`is_demo_database`). Long on purpose: a script that reads top to
    bottom like the demo's story (runs, shoes, pain, squad).

    Raises:
        NotAllowedError: a club account that is not an admin.
        InputError: the database holds someone's own data, or is the default database for
            your own data: the demo has a database of its own (`demo_database_url`).
    """
    from loadwatch.sample import COACH, PAIN, SHOES, demo_files, shoe_for_run

    with Session(engine) as session:
        auth.require_admin(session, actor, "loading the demo squad")
    _mark_demo(engine)

    today = today or local_today()
    present = {a.name for a in list_athletes(engine)}
    by_athlete: dict[str, list[tuple[str, bytes]]] = {}
    for athlete, name, data in demo_files(today, seed):
        if athlete not in present:
            by_athlete.setdefault(athlete, []).append((name, data))
    results: list[ImportResult] = []
    for athlete, files in by_athlete.items():
        results.extend(import_uploads(engine, files, athlete=athlete, today=today))
        runs = [r for r in list_activities(engine, athlete) if r.sport is Sport.RUN]
        for shoe in (s for s in SHOES if s.athlete == athlete):
            add_shoe(
                engine,
                athlete,
                shoe.name,
                brand_model=shoe.brand_model,
                starting_distance_m=shoe.starting_mi * METRES_PER_MILE,
            )
        pairs = {
            run.id: shoe_for_run(
                athlete, (today - local_day(run.started_at, run.utc_offset_s)).days, index
            )
            for index, run in enumerate(runs)
        }
        assign_shoes(engine, {run_id: pair.name for run_id, pair in pairs.items() if pair})
        for shoe in (s for s in SHOES if s.athlete == athlete):
            if shoe.retired_days_ago is not None:
                retire_shoe(
                    engine, athlete, shoe.name, today - timedelta(days=shoe.retired_days_ago)
                )
            elif shoe.share_every == 1:
                set_default_shoe(engine, athlete, shoe.name)
        before_today = [r for r in runs if local_day(r.started_at, r.utc_offset_s) < today]
        for pain in (p for p in PAIN if p.athlete == athlete):
            if pain.runs_ago > len(before_today):
                continue
            run = before_today[-pain.runs_ago]
            day = local_day(run.started_at, run.utc_offset_s)
            if pain.morning_before is not None:
                log_morning_pain(engine, athlete, pain.morning_before, day, today=today)
            log_pain(
                engine,
                athlete,
                during=pain.during,
                after=pain.after,
                location=pain.location,
                note=pain.note,
                run_id=run.id,
                today=today,
            )
            next_day = day + timedelta(days=1)
            if pain.morning_after is not None and next_day <= today:
                log_morning_pain(engine, athlete, pain.morning_after, next_day, today=today)
    if by_athlete:
        add_to_squad(engine, COACH, list(by_athlete))
    return results


DEMO_DB_ENV = "LOADWATCH_DEMO_DB_URL"  # where the demo database lives (tests, scripts)
OWN_DB_ENV = "LOADWATCH_OWN_DB_URL"  # set by `dashboard --demo`: where "my own data" goes
_PURPOSE = "purpose"
_DEMO = "demo"


def _data_dir() -> Path:
    return Path(user_data_dir("loadwatch", appauthor=False))


def demo_database_url() -> str:
    """The demo's own database: `$LOADWATCH_DEMO_DB_URL`, else `loadwatch-demo.db` beside the
    default database in the user's data directory."""
    url = os.environ.get(DEMO_DB_ENV)
    if url:
        return url
    _data_dir().mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{_data_dir() / 'loadwatch-demo.db'}"


def own_database_url() -> str:
    """Where your own data goes when you leave the demo: `$LOADWATCH_OWN_DB_URL` (the database
    `dashboard --demo` was started beside), else the default SQLite file."""
    url = os.environ.get(OWN_DB_ENV)
    if url:
        return url
    _data_dir().mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{_data_dir() / 'loadwatch.db'}"


def database_path(engine: Engine) -> str:
    """The database as a person reads it: a SQLite file's path, else the URL without password."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def is_demo_database(engine: Engine) -> bool:
    """True when `load_demo` made this database (the dashboard's "Demo data" banner)."""
    with Session(engine) as session:
        info = session.get(DatabaseInfo, _PURPOSE)
        return info is not None and info.value == _DEMO


def _mark_demo(engine: Engine) -> None:
    """Mark the database as the demo's, or refuse when it holds your own data."""
    from loadwatch.sample import SQUAD

    own = _sqlite_file(own_database_url())
    if own is not None and own == _sqlite_file(engine.url.render_as_string(hide_password=False)):
        raise InputError(
            f"{database_path(engine)} is the database for your own data; the demo has its own "
            "database: run `loadwatch demo` without --db"
        )
    demo_names = {runner.name.casefold() for runner in SQUAD}
    with Session(writer(engine)) as session, session.begin():
        info = session.get(DatabaseInfo, _PURPOSE)
        if info is not None and info.value == _DEMO:
            return
        others = [
            name
            for name in session.scalars(select(Athlete.name))
            if name.casefold() not in demo_names
        ]
        if others:
            raise InputError(
                f"{database_path(engine)} holds your own data ({len(others)} athletes, such "
                f"as {others[0]!r}); the demo has its own database: run `loadwatch demo` "
                "without --db"
            )
        session.merge(DatabaseInfo(key=_PURPOSE, value=_DEMO))


def _sqlite_file(url: str) -> Path | None:
    """A SQLite URL's file, resolved (None for other databases and in-memory SQLite)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser().resolve()
