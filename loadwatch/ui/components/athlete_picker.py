"""The sidebar athlete picker; owns the session-state keys `athlete_picker.*`.

`?athlete=NAME` in the URL opens that athlete on every page, in both modes (issue #11), so a
runner can bookmark "Log pain" on a phone's home screen; the URL follows the picker, so the
address bar is always a link to what is on screen. A name the user may not see (club mode) or
that is not in the log shows one message and nothing of anyone's data.
"""

from __future__ import annotations

import streamlit as st

from loadwatch import services
from loadwatch.ui.state import ATHLETE_KEY, current_actor, get_engine, is_club
from loadwatch.ui.text import markdown_text

_APPLIED_KEY = "athlete_picker.applied"  # the ?athlete= value already applied to the picker


def pick() -> str | None:
    """The athlete whose pages are shown, or None when the log is empty."""
    actor = current_actor()
    names = [a.name for a in services.list_athletes(get_engine(), actor=actor)]
    wanted = st.query_params.get("athlete")
    if wanted and wanted != st.session_state.get(_APPLIED_KEY):
        match = next((n for n in names if n.casefold() == wanted.strip().casefold()), None)
        if match is None:
            if is_club():
                st.error(markdown_text(f"not allowed: {actor.name} may not see {wanted}'s data"))
            else:
                st.error(markdown_text(f"There is no athlete named {wanted!r} in this log."))
            st.stop()
        st.session_state[ATHLETE_KEY] = match
        st.session_state[_APPLIED_KEY] = match
    if not names:
        return None
    if st.session_state.get(ATHLETE_KEY) not in names:
        st.session_state[ATHLETE_KEY] = names[0]
    chosen: str = st.sidebar.selectbox("Athlete", names, key=ATHLETE_KEY)
    if st.query_params.get("athlete") != chosen:
        st.query_params["athlete"] = chosen
    st.session_state[_APPLIED_KEY] = chosen
    return chosen
