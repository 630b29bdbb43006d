"""Strength (issue #22): the session form with the programme's targets filled in, the sessions,
the self-test and its trend, the programme (the runner's, or a coach's prescription)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from loadwatch import services
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.state import current_actor, get_engine, today

FORM_ERRORS = (InputError, NotAllowedError, NotFoundError)
LIST_WEEKS = 8
SAVED_KEY = "strength_page.saved"  # what was just saved, shown after the rerun that shows it

st.title("Strength")
athlete = athlete_picker.pick()
if athlete is None:
    st.info("No athletes yet: import a run or start on the Settings page, then log strength work.")
    st.stop()
engine = get_engine()
actor = current_actor()
now = today()
overview = services.strength_overview(engine, athlete, now, today=now, actor=actor)
programme = overview.programme
can_log = actor.role is not services.Role.COACH
who = (
    "the default runner's-knee programme (loadwatch default)"
    if programme.is_default
    else f"set by {programme.set_by} ({programme.set_by_role})"
)
st.caption(f"{athlete} · {programme.sessions_per_week} sessions a week · {who}")
count = overview.count
saved_message = st.session_state.pop(SAVED_KEY, None)
if saved_message:
    st.success(saved_message, icon=":material/check_circle:")
adherence = count.adherence_4_weeks
st.markdown(
    f"This week: **{count.sessions_this_week} of {count.target_per_week}** sessions · last 4 "
    f"weeks: **{'n/a' if adherence is None else f'{adherence:.0%}'}**"
)

# The session form: the day's logged values, else the programme's next targets.
if can_log:
    st.subheader("Log a session")
    day = st.date_input("Day", value=now, max_value=now, key="strength_page.day")
    # The targets for that day: its own session is not yet counted (an edit shows the same
    # targets as the day's first log did).
    day_programme = services.strength_programme(engine, athlete, today=now, before=day, actor=actor)
    logged = {
        s.exercise: s
        for session in overview.sessions
        if session.session_date == day
        for s in session.sets
    }
    with st.form(f"strength_page.form.{day}", border=False):
        entries = []
        for item in day_programme.items:
            ex = item.exercise
            done = logged.get(item.next.slug)
            is_hold = ex.measure.value == "hold_s"
            with st.container(border=True):
                include = st.checkbox(
                    f"**{ex.name}** · target {item.next.sets} x {item.next.amount} {ex.unit}"
                    + (f" + {item.next.load_kg:g} kg" if item.next.load_kg else ""),
                    value=True,
                    key=f"strength_page.{day}.{ex.slug}.done",
                )
                a, b, c = st.columns(3)
                sets = a.number_input(
                    "Sets",
                    1,
                    services.MAX_STRENGTH_SETS,
                    done.sets if done else item.next.sets,
                    key=f"strength_page.{day}.{ex.slug}.sets",
                )
                amount = b.number_input(
                    "Hold (s)" if is_hold else "Reps",
                    1,
                    services.MAX_STRENGTH_HOLD_S if is_hold else services.MAX_STRENGTH_REPS,
                    ((done.hold_s if is_hold else done.reps) or item.next.amount)
                    if done
                    else item.next.amount,
                    key=f"strength_page.{day}.{ex.slug}.amount",
                )
                load = c.number_input(
                    "Load (kg)",
                    0.0,
                    services.MAX_STRENGTH_LOAD_KG,
                    float((done.load_kg if done else item.next.load_kg) or 0.0),
                    step=0.5,
                    key=f"strength_page.{day}.{ex.slug}.load",
                )
                band = st.text_input(
                    "Band (optional)",
                    (done.band or "") if done else "",
                    key=f"strength_page.{day}.{ex.slug}.band",
                )
                pain = st.slider(
                    "Pain during it (0-10)",
                    0,
                    10,
                    (done.pain or 0) if done else 0,
                    key=f"strength_page.{day}.{ex.slug}.pain",
                )
                st.caption(item.reason)
            if include:
                entries.append(
                    services.StrengthEntry(
                        ex.slug,
                        int(sets),
                        reps=None if is_hold else int(amount),
                        hold_s=int(amount) if is_hold else None,
                        load_kg=float(load) or None,
                        band=band or None,
                        pain=int(pain),
                    )
                )
        saved = st.form_submit_button("Save session", type="primary", width="stretch")
    if saved:
        try:
            view = services.log_strength_session(
                engine, athlete, entries, on_date=day, today=now, actor=actor
            )
        except FORM_ERRORS as exc:
            st.error(str(exc))
        else:
            verb = "Updated" if view.is_update else "Saved"
            st.session_state[SAVED_KEY] = f"{verb} the session of {view.session_date:%a %d %b}."
            st.rerun()
    st.caption(
        "Pain 0-2 during an exercise lets its target step up after two sessions at the target; "
        "3-5 holds it; above 5, or a next-morning rise, steps it back (loadwatch defaults)."
    )

st.subheader("Sessions")
since = date.fromordinal(now.toordinal() - 7 * LIST_WEEKS)
recent = [s for s in overview.sessions if s.session_date >= since]
if not recent:
    st.info("No strength sessions in the last 8 weeks.")
else:
    rows = [
        {
            "date": s.session_date,
            "source": s.source,
            "exercises": "; ".join(
                f"{x.name} {x.sets} x {x.reps if x.reps is not None else f'{x.hold_s} s'}"
                + (f" + {x.load_kg:g} kg" if x.load_kg else "")
                + (f", pain {x.pain}" if x.pain is not None else "")
                for x in s.sets
            )
            or "strength activity",
        }
        for s in reversed(recent)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    deletable = [s for s in recent if s.id is not None]
    if can_log and deletable:
        with st.expander("Delete a session"):
            chosen = st.selectbox(
                "Session",
                [s.id for s in reversed(deletable)],
                format_func=lambda i: next(
                    f"{s.session_date:%a %d %b %Y}" for s in deletable if s.id == i
                ),
                key="strength_page.delete_id",
            )
            if chosen is not None and st.button("Delete session", key="strength_page.delete"):
                try:
                    services.delete_strength_session(engine, athlete, chosen, actor=actor)
                except FORM_ERRORS as exc:
                    st.error(str(exc))
                else:
                    st.rerun()

st.subheader("Self-test")
st.caption(
    "Stand on one leg and squat half way down 5 times: does the knee stay over the foot, wobble, "
    "or move inward? It informs; it does not diagnose."
)
if overview.is_self_test_due:
    st.info("Knee pain is logged and no self-test in the last 2 weeks: a good day for one.")
if can_log:
    with st.form("strength_page.test", border=False):
        leg = st.radio("Leg", services.LEGS, horizontal=True, key="strength_page.leg")
        result = st.radio(
            "The knee", services.TEST_RESULTS, horizontal=True, key="strength_page.result"
        )
        tested = st.form_submit_button("Save test")
    if tested:
        try:
            test = services.log_self_test(engine, athlete, leg, result, today=now, actor=actor)
        except FORM_ERRORS as exc:
            st.error(str(exc))
        else:
            st.session_state[SAVED_KEY] = f"Saved: {test.leg} leg, {test.meaning}."
            st.rerun()
if overview.tests:
    by_day: dict[date, dict[str, str]] = {}
    for t in overview.tests:
        by_day.setdefault(t.test_date, {})[t.leg] = t.result
    trend = [
        {"date": d, "left": legs.get("left", ""), "right": legs.get("right", "")}
        for d, legs in sorted(by_day.items(), reverse=True)
    ]
    st.dataframe(pd.DataFrame(trend), hide_index=True, width="stretch")

st.subheader("Programme")
st.dataframe(
    pd.DataFrame(
        [
            {"exercise": i.exercise.name, "next target": i.next.text(), "why": i.reason}
            for i in programme.items
        ]
    ),
    hide_index=True,
    width="stretch",
)
library = services.strength_exercises()
with st.expander("Change the programme"):
    with st.form("strength_page.programme", border=False):
        chosen_slugs = st.multiselect(
            "Exercises (hip and knee together; 3-4 is the studied dose)",
            [e.slug for e in library],
            default=[i.slug for i in programme.items],
            format_func=lambda s: next(
                f"{e.name} ({e.area.value}{', optional' if e.is_optional else ''})"
                for e in library
                if e.slug == s
            ),
            key="strength_page.programme_slugs",
        )
        per_week = st.number_input(
            "Sessions a week", 1, 7, programme.sessions_per_week, key="strength_page.per_week"
        )
        changed = st.form_submit_button("Save programme")
    if changed:
        try:
            services.set_strength_programme(
                engine,
                athlete,
                chosen_slugs,
                sessions_per_week=int(per_week),
                today=now,
                actor=actor,
            )
        except FORM_ERRORS as exc:
            st.error(str(exc))
        else:
            st.rerun()
with st.expander("The exercise library"):
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "exercise": e.name,
                    "area": e.area.value,
                    "dose": e.dose,
                    "easier": e.easier or "",
                    "harder": e.harder or "",
                    "source": e.source if not e.citations else ", ".join(e.citations),
                }
                for e in library
            ]
        ),
        hide_index=True,
        width="stretch",
    )
