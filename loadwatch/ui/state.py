"""Cached resources and session-state helpers; the only place the app opens the database."""

from __future__ import annotations

import os
from datetime import date

import streamlit as st
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import AuthError, DatabaseError

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


CLUB_ENV = "LOADWATCH_CLUB"  # set to 1 by `loadwatch dashboard --club`
# The session token (secret); only its SHA-256 is in the database.
_TOKEN_KEY = "auth.token"  # noqa: S105 - the key's name, not a secret
_ACTOR_KEY = "auth.actor"  # the account this run acts for, checked at the top of every run
_NOTICE_KEY = "auth.notice"  # why the login form is back (logged out, expired, disabled)


def is_club() -> bool:
    """Club mode: accounts and a login on every page (issue #11)."""
    return os.environ.get(CLUB_ENV) == "1"


def current_actor() -> services.Actor:
    """The user every service call acts for (`actor=`): `services.LOCAL` in personal mode, the
    logged-in account in club mode (issue #11). Pages pass it to every service call.

    In club mode a page never runs without a checked session (`navigation.run` shows the login
    form instead); should one be reached anyway, it stops here, before any data is read."""
    if not is_club():
        return services.LOCAL
    actor = st.session_state.get(_ACTOR_KEY)
    if not isinstance(actor, services.Actor):
        st.stop()
    return actor


def check_session() -> services.Actor | None:
    """The logged-in account, its session checked against the database on every run (an
    ended, idle or disabled session logs the browser out, with the reason kept for the form)."""
    token = st.session_state.get(_TOKEN_KEY)
    if not token and uses_identity_provider() and st.user.is_logged_in:
        try:  # the provider vouched for the e-mail address; the role is in our users table
            result = services.external_login(get_engine(), str(st.user.get("email") or ""))
        except AuthError as exc:
            st.session_state[_NOTICE_KEY] = str(exc)
            return None
        st.session_state[_TOKEN_KEY] = token = result.token
    if not token:
        st.session_state.pop(_ACTOR_KEY, None)
        return None
    try:
        actor = services.session_actor(get_engine(), token)
    except AuthError as exc:
        _forget(str(exc))
        return None
    st.session_state[_ACTOR_KEY] = actor
    return actor


OIDC_ENV = "LOADWATCH_OIDC"  # 1: log in with the identity provider in .streamlit/secrets.toml


def uses_identity_provider() -> bool:
    """Club mode with Streamlit's OIDC login (`st.login`) configured instead of passwords."""
    return is_club() and os.environ.get(OIDC_ENV) == "1"


def log_in(name: str, password: str) -> None:
    """Raises AuthError with the message the form shows."""
    result = services.login(get_engine(), name, password)
    st.session_state[_TOKEN_KEY] = result.token
    st.session_state[_ACTOR_KEY] = result.actor
    st.session_state.pop(_NOTICE_KEY, None)


def log_out() -> None:
    token = st.session_state.get(_TOKEN_KEY)
    if token:
        services.logout(get_engine(), token)
    _forget("You are logged out.")
    if uses_identity_provider() and st.user.is_logged_in:
        st.logout()  # the provider's cookie too, else the next run logs straight back in


def session_token() -> str | None:
    token = st.session_state.get(_TOKEN_KEY)
    return str(token) if token else None


def _forget(notice: str) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]  # nothing of the last user's stays in this browser session
    st.session_state[_NOTICE_KEY] = notice


def login_notice() -> str | None:
    notice = st.session_state.get(_NOTICE_KEY)
    return str(notice) if notice else None


def open_athlete(name: str) -> None:
    """Select an athlete for the runner pages (the squad page's click-through)."""
    st.session_state[ATHLETE_KEY] = name
