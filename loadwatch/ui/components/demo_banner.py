"""The "Demo data" banner above every page of the demo database, with the one click that
leaves it for your own data (issue #12).

The click is a link to Settings with `?start=own` (a link, not a button, so the pages' own
buttons keep their order); Settings calls `leave_demo_if_asked` first thing.
"""

from __future__ import annotations

import os

import streamlit as st

from loadwatch import services
from loadwatch.ui.state import ATHLETE_KEY, get_engine

SETTINGS_PAGE = "loadwatch/ui/pages/settings_page.py"
START_PARAM = "start"
START_OWN = "own"
LEFT_KEY = "demo_banner.left"


def show() -> None:
    """Show the banner when the open database is the demo's."""
    engine = get_engine()
    if not services.is_demo_database(engine):
        return
    # One row that wraps (issue #24): fixed columns cut the link to "Start with my own da".
    with st.container(horizontal=True, vertical_alignment="center", key="demo_banner"):
        # A badge, not st.warning: the pages' warnings are the athletes' alerts, and tests and
        # readers count those.
        st.markdown(
            f":orange-badge[:material/science: Demo data] A made-up squad in a database of its "
            f"own ({services.database_path(engine)}). Your own data is kept apart.",
            width="content",
        )
        st.page_link(
            SETTINGS_PAGE,
            label="Start with my own data",
            icon=":material/arrow_forward:",
            query_params={START_PARAM: START_OWN},
            width="content",
        )


def leave_demo_if_asked() -> None:
    """After the banner's link: switch this dashboard to your own database
    (`services.own_database_url`; the demo database stays as it was) and say where it is."""
    if st.query_params.get(START_PARAM) != START_OWN:
        return
    del st.query_params[START_PARAM]
    if services.is_demo_database(get_engine()):
        os.environ["LOADWATCH_DB_URL"] = services.own_database_url()
        st.session_state.pop(ATHLETE_KEY, None)
        st.session_state[LEFT_KEY] = True
    st.rerun()
