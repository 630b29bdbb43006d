"""The club-mode login form (issue #11): Username, Password, Log in."""

from __future__ import annotations

import streamlit as st

from loadwatch.errors import AuthError
from loadwatch.ui import state


def show() -> None:
    """The form; on success the script runs again as the logged-in account, on the same page
    and with the same `?athlete=` (a bookmarked "Log pain" link survives the login)."""
    st.title("loadwatch")
    st.caption("Log in with the account your club's admin gave you.")
    notice = state.login_notice()
    if notice:
        st.info(notice)
    if state.uses_identity_provider():
        if st.button("Log in with your club's account", type="primary", key="login.oidc"):
            st.login()
        return
    with st.form("login.form"):
        name = st.text_input("Username", key="login.username", autocomplete="username")
        password = st.text_input(
            "Password", type="password", key="login.password", autocomplete="current-password"
        )
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        try:
            state.log_in(name, password)
        except AuthError as exc:
            st.error(str(exc))
            return
        st.rerun()
