"""The one date range every time chart of a page shares (issue #12): 3 months, a year or all;
owns the session-state key `date_range.span`."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

KEY = "date_range.span"
SPANS = {"3 months": 91, "1 year": 365, "All": None}  # days shown, ending on the day viewed


def pick(end: date) -> date | None:
    """The first day the charts show (None: from the first day of the log), up to `end`."""
    if st.session_state.get(KEY) not in SPANS:
        st.session_state[KEY] = "3 months"
    choice = st.segmented_control(
        "Charts show",
        list(SPANS),
        key=KEY,
        help="Every chart on this page covers the same days, ending on the day you are viewing.",
    )
    days = SPANS.get(choice or "3 months", 91)
    return None if days is None else end - timedelta(days=days - 1)
