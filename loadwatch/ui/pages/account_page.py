"""Account (club mode, issue #11): squads (join with a code, leave; a coach creates them and
shares the invite code), your data as a download, deleting your account, your password."""

from __future__ import annotations

import streamlit as st

from loadwatch import services
from loadwatch.errors import AuthError, InputError, NotAllowedError, NotFoundError
from loadwatch.ui import state
from loadwatch.ui.text import markdown_text

_EXPORT_KEY = "account_page.export"

st.title("Account")
actor = state.current_actor()
engine = state.get_engine()
role = actor.role.value if actor.role else "local"
st.caption(f"Logged in as **{markdown_text(actor.name)}**, {role}.")
own = services.own_athlete(engine, actor=actor)

st.subheader("Squads")
squads = services.list_squads(engine, actor=actor)
if role == "runner":
    if squads:
        for squad in squads:
            cols = st.columns([4, 1])
            cols[0].markdown(
                f"**{markdown_text(squad.name)}**, coach {markdown_text(squad.coach or 'none')}: "
                "your coach sees your runs, "
                "shoes, pain and report (read only)."
            )
            if cols[1].button("Leave", key=f"account_page.leave.{squad.name}"):
                services.leave_squad(engine, squad.name, actor=actor)
                st.toast(
                    markdown_text(f"You left {squad.name}; its coach no longer sees your data.")
                )
                st.rerun()
    else:
        st.caption("You are in no squad: no coach sees your data.")
    with st.form("account_page.join", clear_on_submit=True):
        code = st.text_input("Invite code from your coach", placeholder="ABCD-EFGH")
        if st.form_submit_button("Join the squad"):
            try:
                view = services.join_squad(engine, code, actor=actor)
            except (InputError, NotAllowedError, NotFoundError) as exc:
                st.error(markdown_text(exc))
            else:
                st.success(
                    markdown_text(f"You joined {view.name}; coach {view.coach} now sees your data.")
                )
else:
    for squad in squads:
        members = markdown_text(", ".join(squad.members) or "nobody yet")
        st.markdown(
            f"**{markdown_text(squad.name)}** (coach {markdown_text(squad.coach or 'none')}): "
            f"{members}. "
            f"Invite code: `{squad.invite_code or 'hidden'}`"
        )
    if not squads:
        st.caption("No squads yet.")
    if role in ("coach", "admin"):
        with st.form("account_page.create", clear_on_submit=True):
            name = st.text_input("New squad's name")
            if st.form_submit_button("Create the squad"):
                try:
                    view = services.create_squad(engine, name, actor.name, actor=actor)
                except (InputError, NotAllowedError, NotFoundError) as exc:
                    st.error(markdown_text(exc))
                else:
                    st.success(
                        f"Squad {markdown_text(view.name)} created. Runners join with the code "
                        f"`{view.invite_code}` (Account page, or "
                        f"`loadwatch squad join {view.invite_code} --user NAME`)."
                    )

if own is not None:
    st.subheader("Your data")
    st.caption(
        "Everything loadwatch keeps about you: activities (CSV), pain entries, shoes, squads, "
        "and every file you imported, as it was, in one zip."
    )
    if st.button("Prepare my data for download", key="account_page.prepare"):
        st.session_state[_EXPORT_KEY] = services.export_data(engine, own, actor=actor)
    if _EXPORT_KEY in st.session_state:
        st.download_button(
            "Download my data (zip)",
            st.session_state[_EXPORT_KEY],
            file_name=f"loadwatch-{own}.zip",
            mime="application/zip",
        )
    with st.expander("Delete my account"):
        st.warning(
            "This deletes your account and all its data: activities, original files, pain "
            "entries, shoes and squad memberships. It cannot be undone."
        )
        typed = st.text_input(f"Type your name ({own}) to confirm", key="account_page.confirm")
        if st.button("Delete my account and all its data", type="primary", disabled=typed != own):
            services.delete_account(engine, actor=actor)
            state.log_out()
            st.rerun()

if role in ("coach", "admin"):
    st.subheader("Email for the squad digest")
    st.caption(
        "The weekly squad digest (`loadwatch digest`, docs/club.md) goes to this address: who "
        "needs a word first, then everyone else in one line."
    )
    with st.form("account_page.email"):
        address = st.text_input(
            "Email address", value=services.account_email(engine, actor=actor) or ""
        )
        if st.form_submit_button("Save the address"):
            try:
                services.set_email(engine, actor.name, address or None, actor=actor)
            except InputError as exc:
                st.error(markdown_text(exc))
            else:
                st.success("Saved." if address else "Address removed.")
if own is not None:
    sent = services.digests_about(engine, own, actor=actor)
    st.subheader("What coaches' digests said about you")
    if sent:
        st.dataframe(
            [
                {
                    "sent (UTC)": s.sent_on.isoformat(),
                    "to": s.recipient,
                    "as of": s.as_of.isoformat(),
                    "what it said": s.line,
                }
                for s in sent
            ],
            hide_index=True,
        )
    else:
        st.caption("No digest has mentioned you in the last 90 days.")

st.subheader("Password")
with st.form("account_page.password", clear_on_submit=True):
    old = st.text_input("Current password", type="password")
    new = st.text_input("New password", type="password")
    again = st.text_input("New password again", type="password")
    if st.form_submit_button("Change password"):
        if new != again:
            st.error("the two new passwords differ")
        else:
            try:
                services.change_password(
                    engine, old, new, actor=actor, keep_token=state.session_token()
                )
            except (AuthError, InputError) as exc:
                st.error(markdown_text(exc))
            else:
                st.success("Password changed; your other sessions have ended.")

if role == "admin":
    st.subheader("Accounts")
    st.dataframe(
        [
            {
                "user": u.name,
                "role": u.role.value,
                "athlete": u.athlete or "",
                "state": "disabled" if u.is_disabled else "active",
            }
            for u in services.list_users(engine, actor=actor)
        ],
        hide_index=True,
    )
    st.caption(
        "Add, reset and disable accounts with `loadwatch user` at the server (docs/club.md)."
    )
    st.subheader("Audit trail (latest 50)")
    st.dataframe(
        [
            {
                "when (UTC)": e.at.strftime("%Y-%m-%d %H:%M"),
                "who": e.actor,
                "action": e.action,
                "athlete": e.athlete or "",
                "detail": e.detail or "",
            }
            for e in services.audit_entries(engine, limit=50, actor=actor)
        ],
        hide_index=True,
    )
