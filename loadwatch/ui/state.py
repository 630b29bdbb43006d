"""Cached resources and session-state helpers; the only place the app opens the database."""

from __future__ import annotations

import os
from datetime import date

import streamlit as st
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import DatabaseError

ATHLETE_KEY = "athlete_picker.selected"


@st.cache_resource(show_spinner=False)
def _engine_for(url: str | None) -> Engine:
    services.configure_logging()  # unexpected errors go to the log file, not to the visitor
    return services.open_database(url)


def get_engine() -> Engine:
    """The engine for $LOADWATCH_DB_URL (or the default SQLite file), migrated on first use.

    A database that cannot be opened (a folder that does not exist, a file that is not a
    database, an unreachable server, a missing driver) is one `st.error` line and the page
    stops, as the CLI prints one `Error:` line (issue #10)."""
    try:
        return _engine_for(os.environ.get("LOADWATCH_DB_URL"))
    except DatabaseError as exc:
        st.error(str(exc), icon=":material/database:")
        st.stop()


def today() -> date:
    """The one clock (`services.today`): the local calendar day, or $LOADWATCH_TODAY."""
    return services.today()


def current_actor() -> services.Actor:
    """The user every service call acts for (`actor=`): `services.LOCAL` in personal mode, the
    logged-in account in club mode (issue #11). Pages pass it to every service call."""
    return services.LOCAL


def open_athlete(name: str) -> None:
    """Select an athlete for the runner pages (the squad page's click-through)."""
    st.session_state[ATHLETE_KEY] = name
