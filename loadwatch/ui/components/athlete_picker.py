"""The sidebar athlete picker; owns the session-state key `athlete_picker.selected`."""

from __future__ import annotations

import streamlit as st

from loadwatch import services
from loadwatch.ui.state import ATHLETE_KEY, get_engine


def pick() -> str | None:
    """The athlete whose pages are shown, or None when the log is empty."""
    names = [a.name for a in services.list_athletes(get_engine())]
    if not names:
        return None
    if st.session_state.get(ATHLETE_KEY) not in names:
        st.session_state[ATHLETE_KEY] = names[0]
    return st.sidebar.selectbox("Athlete", names, key=ATHLETE_KEY)
