"""The pages' heavy service calls, cached by the database's change counter (issue #27).

`services.data_version` is one indexed read that every committed change raises (an import, a
pain entry, an edit, a setting), so a cache keyed by it never serves what the database no longer
answers, and a page rerun (a click, a filter) or a second browser on an unchanged database costs
no recomputation. Only the local user's reads are cached: in club mode each read must be
checked and audited by the service (auth.audit), so those calls go straight through. A database
without the counter is never cached.
"""

from __future__ import annotations

from datetime import date

import streamlit as st
from sqlalchemy import Engine

from loadwatch import services

TRACK_POINTS = 600  # points per curve: enough for a chart a few hundred pixels wide


def _version(engine: Engine, actor: services.Actor) -> int | None:
    """The key part that makes a cached answer current; None: do not cache this call."""
    if not actor.is_local:
        return None
    return services.data_version(engine)


@st.cache_data(show_spinner=False, max_entries=16)
def _report(
    _engine: Engine, url: str, version: int, athlete: str, as_of: date | None, today: date
) -> services.Report:
    del url, version  # cache key only
    return services.report(_engine, athlete, as_of, today=today, actor=services.LOCAL)


def report(
    engine: Engine,
    athlete: str,
    as_of: date | None = None,
    *,
    today: date,
    actor: services.Actor,
) -> services.Report:
    """`services.report`, cached per database change (local user only)."""
    version = _version(engine, actor)
    if version is None:
        return services.report(engine, athlete, as_of, today=today, actor=actor)
    return _report(engine, str(engine.url), version, athlete, as_of, today)


@st.cache_data(show_spinner=False, max_entries=16)
def _calendar_month(
    _engine: Engine, url: str, version: int, athlete: str, month: date, today: date
) -> services.CalendarMonth:
    del url, version  # cache key only
    return services.calendar_month(_engine, athlete, month, today=today, actor=services.LOCAL)


def calendar_month(
    engine: Engine, athlete: str, month: date, *, today: date, actor: services.Actor
) -> services.CalendarMonth:
    """`services.calendar_month`, cached per database change (local user only)."""
    version = _version(engine, actor)
    if version is None:
        return services.calendar_month(engine, athlete, month, today=today, actor=actor)
    return _calendar_month(engine, str(engine.url), version, athlete, month, today)


@st.cache_data(show_spinner=False, max_entries=32)
def _activity_page(
    _engine: Engine,
    url: str,
    version: int,
    athlete: str,
    page: int,
    sports: tuple[str, ...],
    first: date | None,
    last: date | None,
    containing: int | None,
) -> services.ActivityPage:
    del url, version  # cache key only
    return services.activity_page(
        _engine,
        athlete,
        page,
        sports=sports,
        first=first,
        last=last,
        containing=containing,
        actor=services.LOCAL,
    )


def activity_page(
    engine: Engine,
    athlete: str,
    page: int,
    *,
    sports: tuple[str, ...],
    first: date | None,
    last: date | None,
    containing: int | None,
    actor: services.Actor,
) -> services.ActivityPage:
    """`services.activity_page`, cached per database change (local user only)."""
    version = _version(engine, actor)
    if version is None:
        return services.activity_page(
            engine,
            athlete,
            page,
            sports=sports,
            first=first,
            last=last,
            containing=containing,
            actor=actor,
        )
    return _activity_page(
        engine, str(engine.url), version, athlete, page, sports, first, last, containing
    )
