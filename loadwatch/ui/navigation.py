"""The app's pages, in menu order."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

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
