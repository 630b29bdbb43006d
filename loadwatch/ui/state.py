"""Cached resources and session-state helpers; the only place the app opens the database."""

from __future__ import annotations

import os
import threading
from datetime import date

import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import get_script_run_ctx

from loadwatch import services
from loadwatch.errors import AuthError, DatabaseError
from loadwatch.ui import guard
from loadwatch.ui.text import markdown_text

ATHLETE_KEY = "athlete_picker.selected"


# One engine per process, never in `st.cache_resource`: any client may send Streamlit's
# `clear_cache` message, and a rebuilt engine re-checked the live SQLite file (issue #21).
_engines: dict[str | None, Engine] = {}
_engines_lock = threading.Lock()


def _engine_for(url: str | None) -> Engine:
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            services.configure_logging()  # unexpected errors go to the log file, not the visitor
            engine = _engines[url] = services.open_database(url)
        return engine


def get_engine() -> Engine:
    """The engine for $LOADWATCH_DB_URL (or the default SQLite file), migrated on first use.

    A database that cannot be opened (a folder that does not exist, a file that is not a
    database, an unreachable server, a missing driver) is one `st.error` line and the page
    stops, as the CLI prints one `Error:` line (issue #10)."""
    try:
        return _engine_for(os.environ.get("LOADWATCH_DB_URL"))
    except DatabaseError as exc:
        st.error(markdown_text(exc), icon=":material/database:")
        st.stop()


def today() -> date:
    """The one clock (`services.today`): the local calendar day, or $LOADWATCH_TODAY."""
    return services.today()


CLUB_ENV = "LOADWATCH_CLUB"  # set to 1 by `loadwatch dashboard --club`
# The session token (secret); only its SHA-256 is in the database.
_TOKEN_KEY = "auth.token"  # noqa: S105 - the key's name, not a secret
_ACTOR_KEY = "auth.actor"  # the account this run acts for, checked at the top of every run
_NOTICE_KEY = "auth.notice"  # why the login form is back (logged out, expired, disabled)
_MUST_CHANGE_KEY = "auth.must_change"  # the password was typed at the server: a new one first


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
        guard.bind_session(_session_id(), _client_cookie())
    if not token:
        st.session_state.pop(_ACTOR_KEY, None)
        return None
    if not guard.is_bound_to(_session_id(), _client_cookie()):
        # This Streamlit session was logged in from another browser: a borrowed session id
        # is not a login (issue #21). The owner's browser logs in again.
        _forget("Please log in.")
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
    result = services.login(get_engine(), name, password, source=client_address())
    guard.bind_session(_session_id(), _client_cookie())
    st.session_state[_TOKEN_KEY] = result.token
    st.session_state[_ACTOR_KEY] = result.actor
    st.session_state[_MUST_CHANGE_KEY] = result.must_change_password
    st.session_state.pop(_NOTICE_KEY, None)


def must_change_password() -> bool:
    """The account logged in with a password someone else typed (issue #21): no page runs
    until the person has chosen their own."""
    return bool(st.session_state.get(_MUST_CHANGE_KEY))


def change_password(old: str, new: str) -> None:
    """Raises AuthError or InputError with the message the form shows."""
    services.change_password(
        get_engine(), old, new, actor=current_actor(), keep_token=session_token()
    )
    st.session_state.pop(_MUST_CHANGE_KEY, None)


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


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _client_cookie() -> str | None:
    value = st.context.cookies.get(guard.CLIENT_COOKIE)
    return value if isinstance(value, str) and value else None  # AppTest has no cookies


def client_address() -> str:
    """Where this browser connects from (the login throttle and the audit trail): the
    websocket's peer, or behind a TLS proxy (`--behind-proxy`) the address it forwarded."""
    if os.environ.get(guard.BEHIND_PROXY_ENV) == "1":
        forwarded = st.context.headers.get("X-Forwarded-For")
        if isinstance(forwarded, str) and forwarded.split(",")[-1].strip():
            return forwarded.split(",")[-1].strip()
    address = st.context.ip_address
    return address if isinstance(address, str) else "127.0.0.1"  # None for loopback


def _forget(notice: str) -> None:
    if is_club():
        guard.forget_session_files(_session_id())  # its uploads and downloads go with it
    for key in list(st.session_state.keys()):
        del st.session_state[key]  # nothing of the last user's stays in this browser session
    st.session_state[_NOTICE_KEY] = notice


def login_notice() -> str | None:
    notice = st.session_state.get(_NOTICE_KEY)
    return str(notice) if notice else None


def open_athlete(name: str) -> None:
    """Select an athlete for the runner pages (the squad page's click-through)."""
    st.session_state[ATHLETE_KEY] = name
