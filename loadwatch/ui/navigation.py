"""The app's pages, in menu order."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from loadwatch import services
from loadwatch.ui import state
from loadwatch.ui.components import login
from loadwatch.ui.text import markdown_text

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def page(name: str) -> str:
    return str(PAGES_DIR / name)


def pages() -> list[st.Page]:
    return [
        st.Page(
            page("this_week_page.py"), title="This week", icon=":material/monitoring:", default=True
        ),
        st.Page(page("pain_page.py"), title="Log pain", icon=":material/healing:", url_path="pain"),
        st.Page(
            page("strength_page.py"),
            title="Strength",
            icon=":material/fitness_center:",
            url_path="strength",
        ),
        st.Page(
            page("injuries_page.py"),
            title="Injuries",
            icon=":material/personal_injury:",
            url_path="injuries",
        ),
        st.Page(
            page("import_page.py"), title="Import", icon=":material/upload_file:", url_path="import"
        ),
        st.Page(
            page("activities_page.py"),
            title="Activities",
            icon=":material/list:",
            url_path="activities",
        ),
        st.Page(
            page("calendar_page.py"),
            title="Calendar",
            icon=":material/calendar_month:",
            url_path="calendar",
        ),
        st.Page(page("shoes_page.py"), title="Shoes", icon=":material/steps:", url_path="shoes"),
        st.Page(page("squad_page.py"), title="Squad", icon=":material/groups:", url_path="squad"),
        st.Page(
            page("settings_page.py"),
            title="Settings",
            icon=":material/settings:",
            url_path="settings",
        ),
    ]


# In club mode each role sees the pages it can use (the services refuse the rest anyway):
# a runner has no squad table; a coach reads the squad and imports or logs nothing.
_HIDDEN_FOR = {"runner": {"squad"}, "coach": {"pain", "import"}}


FAULT_RETRY_KEY = "navigation.fault_retry"


def run() -> None:
    """`_run`, with a fault of the disk or the database (a full disk, a database another program
    holds, a read-only or damaged file, a server gone) shown as one sentence and a retry button,
    never Streamlit's redacted error box (issue #23); the traceback goes to the log file. Any
    other exception is a bug and propagates."""
    services.on_database_wait(_say_waiting)
    try:
        _run()
    except Exception as exc:
        fault = services.storage_fault(exc, os.environ.get("LOADWATCH_DB_URL"))
        if fault is None:
            raise
        st.error(str(fault), icon=":material/database:")
        st.button("Try again", key=FAULT_RETRY_KEY, icon=":material/refresh:")


def _say_waiting(database: str, timeout_s: float) -> None:
    """Shown while a save waits for another program's write lock (issue #23)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx() is None:  # another thread's wait (a background import): say nothing
        return
    st.toast(
        f"Waiting for another loadwatch command to finish with the database (up to "
        f"{timeout_s:g} s)...",
        icon=":material/hourglass_top:",
    )


def _run() -> None:
    """Pick the page from the URL and run it; in club mode, only after a login (issue #11).

    Not logged in: the pages are registered but hidden and none runs, so the URL's page and
    its `?athlete=` stay as they were and open right after the login form."""
    all_pages = pages()
    if not state.is_club():
        chosen = st.navigation(all_pages)
        banner()
        chosen.run()
        return
    actor = state.check_session()
    if actor is None:
        st.navigation(all_pages, position="hidden")
        login.show()
        return
    if state.must_change_password():
        st.navigation(all_pages, position="hidden")
        login.show_password_change()
        return
    hidden = _HIDDEN_FOR.get(actor.role.value if actor.role else "", set())
    shown = [p for p in all_pages if p.url_path not in hidden]
    shown.append(
        st.Page(
            page("account_page.py"),
            title="Account",
            icon=":material/account_circle:",
            url_path="account",
        )
    )
    current = st.navigation(shown)
    with st.sidebar:
        st.caption(
            f"Logged in as **{markdown_text(actor.name)}** "
            f"({actor.role.value if actor.role else ''})"
        )
        if st.button("Log out", key="navigation.log_out", icon=":material/logout:"):
            state.log_out()
            st.rerun()
    current.run()


def banner() -> None:
    """What every page shows above its own content: the demo database's banner (issue #12).

    Nothing outside a script run: a process-pool worker that re-imports the app's main module
    (multiprocessing does so under AppTest, where the script is `__main__`) must not open a
    database.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from loadwatch.ui.components import demo_banner

    if get_script_run_ctx() is None:
        return
    demo_banner.show()
