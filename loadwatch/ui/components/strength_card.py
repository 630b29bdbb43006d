"""This week's strength card (issue #22): sessions this week against the programme, the last 4
weeks' adherence, and "Done as planned" in one tap; owns the session-state keys
`strength_card.*`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from loadwatch import services
from loadwatch.domain import PlanDay, PlanKind
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.ui.state import current_actor, get_engine

PAGE = "loadwatch/ui/pages/strength_page.py"
_SAVED_KEY = "strength_card.saved"  # the message of the session just logged, shown after rerun


def targets_text(programme: services.Programme) -> str:
    """The programme's next targets in one line: "Clamshell 3 x 10 reps · Squat 3 x 12 reps"."""
    return " · ".join(item.next.text() for item in programme.items)


def show(athlete: str, plan: Sequence[PlanDay], as_of: date, today: date) -> None:
    """The card under the plan; "Done as planned" only on today's page, for who may log."""
    actor = current_actor()
    engine = get_engine()
    overview = services.strength_overview(engine, athlete, as_of, today=today, actor=actor)
    count = overview.count
    with st.container(border=True, key="strength_card"):
        left, right = st.columns(2)
        left.metric(
            "Strength this week",
            f"{count.sessions_this_week} of {count.target_per_week}",
            help="Sessions this local week (logged, or strength activities from a watch file) "
            "against your programme's sessions a week.",
        )
        adherence = count.adherence_4_weeks
        right.metric(
            "Last 4 weeks",
            "n/a" if adherence is None else f"{adherence:.0%}",
            help="Sessions in the 28 days up to this day over 4 x the target (at most 100%).",
        )
        st.caption(
            f"{count.sessions_4_weeks} of {4 * count.target_per_week} sessions in the last 4 weeks"
            + (f" · last {count.last_session_date:%a %d %b}" if count.last_session_date else "")
        )
        saved = st.session_state.pop(_SAVED_KEY, None)
        if saved:
            st.success(saved, icon=":material/check_circle:")
        day = next((p for p in plan if p.date == as_of), None)
        planned = day is not None and (day.kind is PlanKind.STRENGTH or day.strength)
        if as_of == today and overview.done_today:
            st.caption("Strength session logged today (the plan shows it done).")
        elif as_of == today:
            st.markdown(
                ("**Today's plan: strength session.** " if planned else "**Strength.** ")
                + "Next targets: "
            )
            st.text(targets_text(overview.programme))
            if actor.role is not services.Role.COACH and st.button(
                "Done as planned",
                key="strength_card.done",
                type="primary",
                icon=":material/task_alt:",
                width="stretch",
            ):
                try:
                    view = services.log_strength_as_planned(
                        engine, athlete, on_date=today, today=today, actor=actor
                    )
                except (InputError, NotAllowedError, NotFoundError) as exc:
                    st.error(str(exc))
                else:
                    st.session_state[_SAVED_KEY] = (
                        f"Saved today's session: {len(view.sets)} exercises at their targets."
                    )
                    st.rerun()
        st.page_link(
            PAGE,
            label="Adjust or log another day",
            icon=":material/fitness_center:",
        )
        if overview.is_self_test_due:
            # A caption, not a callout: the page's callouts are its warnings, one per alert.
            st.caption(
                ":material/accessibility_new: Knee pain is logged: the single-leg squat "
                "self-test is due (every 2-4 weeks, the seeds). It informs; it does not diagnose."
            )
