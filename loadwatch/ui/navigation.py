"""The app's pages, in menu order."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from loadwatch.ui import state
from loadwatch.ui.components import login

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def page(name: str) -> str:
    return str(PAGES_DIR / name)


def pages() -> list[st.Page]:
    return [
        st.Page(
            page("overview_page.py"), title="This week", icon=":material/monitoring:", default=True
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


def run() -> None:
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
        st.caption(f"Logged in as **{actor.name}** ({actor.role.value if actor.role else ''})")
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
