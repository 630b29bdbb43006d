"""The club-mode login form (issue #11): Username, Password, Log in."""

from __future__ import annotations

import streamlit as st

from loadwatch.errors import AuthError, InputError
from loadwatch.ui import state
from loadwatch.ui.text import markdown_text


def show() -> None:
    """The form; on success the script runs again as the logged-in account, on the same page
    and with the same `?athlete=` (a bookmarked "Log pain" link survives the login)."""
    st.title("loadwatch")
    st.caption("Log in with the account your club's admin gave you.")
    notice = state.login_notice()
    if notice:
        st.info(markdown_text(notice))
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
            st.error(markdown_text(exc))
            return
        st.rerun()


def show_password_change() -> None:
    """After a login with a password typed at the server (`user add`, `user reset-password`):
    the person chooses their own before any page opens (issue #21)."""
    st.title("Choose your own password")
    st.caption(
        "This account's password was set by your club's admin. Choose a new one (at least 8 "
        "characters, not a common password, not your name) to go on."
    )
    with st.form("login.change_form", clear_on_submit=True):
        old = st.text_input("Current password", type="password", key="login.old")
        new = st.text_input("New password", type="password", key="login.new")
        again = st.text_input("New password again", type="password", key="login.again")
        submitted = st.form_submit_button("Change password", type="primary")
    if submitted:
        if new != again:
            st.error("the two new passwords differ")
            return
        try:
            state.change_password(old, new)
        except (AuthError, InputError) as exc:
            st.error(markdown_text(exc))
            return
        st.rerun()
