"""The day a page is viewed as of (issue #12): a date picker with "Back to today", kept in the
URL as `?as_of=YYYY-MM-DD` so a link can open any week; owns the session-state key `as_of`
(the key is the query parameter's name, hence not namespaced)."""

from __future__ import annotations

from datetime import date

import streamlit as st

KEY = "as_of"
EARLIEST = date(1990, 1, 1)  # services refuse earlier days (services/_checks.py)
_PENDING = "week_picker.pending"  # a day the page asked to open on its next run
_TODAY_CHOSEN = "week_picker.today_chosen"  # "Back to today" was clicked: no automatic jump
_WAS_SET = "week_picker.was_set"  # the picker had a day (a link, a pick) before this run


def _back_to_today() -> None:
    st.session_state.pop(KEY, None)  # the picker falls back to its default: today
    st.session_state[_TODAY_CHOSEN] = True


def is_chosen() -> bool:
    """A day was picked, linked (`?as_of=`) or "Back to today" was clicked: the page keeps it."""
    return st.session_state.get(_TODAY_CHOSEN) is True or st.session_state.get(_WAS_SET) is True


def open_day(day: date) -> None:
    """Show the week of `day` instead (issue #24: after a long break, the last run's week)."""
    st.session_state[_PENDING] = day
    st.rerun()


def pick(today: date) -> date:
    """The day chosen (today unless the user or a link chose another); never after today."""
    pending = st.session_state.pop(_PENDING, None)
    if isinstance(pending, date):
        st.session_state[KEY] = pending
    st.session_state[_WAS_SET] = isinstance(st.session_state.get(KEY), date) or bool(
        st.query_params.get(KEY)
    )
    if not isinstance(st.session_state.get(KEY), date) or st.session_state[KEY] > today:
        st.session_state.pop(KEY, None)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.date_input(
        "Show the week of",
        value=today,
        min_value=EARLIEST,
        max_value=today,
        key=KEY,
        format="YYYY-MM-DD",
        bind="query-params",
        help="Any day of your history: the numbers, warnings and plan are as they were that day.",
    )
    day = chosen if isinstance(chosen, date) else today
    right.button(
        "Back to today",
        on_click=_back_to_today,
        disabled=day == today,
        icon=":material/today:",
        key="week_picker.today",
    )
    return day


def link_query(day: date, athlete: str) -> dict[str, str]:
    """The query parameters of a link that opens `athlete`'s week of `day`."""
    return {KEY: day.isoformat(), "athlete": athlete}
