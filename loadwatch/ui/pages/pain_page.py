"""Log pain: built for a phone right after a run; four taps at most."""

from __future__ import annotations

from datetime import date

import streamlit as st

from loadwatch import services
from loadwatch.domain import ActivityRow, Sport
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.state import current_actor, get_engine, today
from loadwatch.ui.text import markdown_text
from loadwatch.units import format_distance

ZONE = {
    "green": (st.success, "0-2: safe"),
    "amber": (st.warning, "3-5: acceptable if it settles by tomorrow morning"),
    "red": (st.error, "above 5: red zone"),
}
RED_KEY = "pain_page.red_entry"  # (athlete, entry id) of the red day saved last (issue #14)
RECENT_RUN_DAYS = 3  # a run this recent is preselected (issue #24); an older one is asked for


st.title("Log pain")
athlete = athlete_picker.pick()
if athlete is None:
    st.info("No runs yet: import a run first, then log how it felt.")
    st.stop()
engine = get_engine()
actor = current_actor()
st.caption(f"Saving pain for **{markdown_text(athlete)}**.")
runs = [r for r in services.list_activities(engine, athlete, actor=actor) if r.sport is Sport.RUN][
    -5:
][::-1]
units = services.athlete_settings(engine, athlete, actor=actor).units


def _run_day(run: ActivityRow) -> date:
    return services.local_day(run.started_at, run.utc_offset_s)


def _run_label(run_id: int) -> str:
    run = next(r for r in runs if r.id == run_id)
    return f"{_run_day(run):%a %d %b %Y} · {format_distance(run.distance_m, units)}"


# Issue #24: only a run of the last few days is picked for you; an older one is asked for, so
# a score is never saved against a run from another year by a tap on Save.
is_recent = bool(runs) and (today() - _run_day(runs[0])).days <= RECENT_RUN_DAYS
if runs and not is_recent:
    st.info(
        f"Your latest run was on {_run_day(runs[0]):%a %d %b %Y}. Pick the run this is for, or "
        "import today's run first."
    )

with st.form("pain_page.form", border=False):
    run_id = (
        st.selectbox(
            "Run",
            [r.id for r in runs],
            index=0 if is_recent else None,
            placeholder="Pick the run",
            format_func=_run_label,
            key="pain_page.run",
        )
        if runs
        else None
    )
    during = st.slider("Pain during the run", 0, 10, 0, key="pain_page.during")
    after = st.slider("Pain after the run", 0, 10, 0, key="pain_page.after")
    location = st.pills("Where?", services.PAIN_LOCATIONS, key="pain_page.location")
    note = st.text_input("Note (optional)", key="pain_page.note")
    saved = st.form_submit_button("Save", type="primary", use_container_width=True)
limits = services.athlete_settings(engine, athlete, actor=actor).thresholds
st.caption(
    f"Zones: :green[0-{limits.pain_safe_max} safe] · "
    f":orange[{limits.pain_safe_max + 1}-{limits.pain_acceptable_max} acceptable if it settles "
    f"by tomorrow] · :red[above {limits.pain_acceptable_max} red]"
)

if saved and runs and run_id is None:
    st.error("Pick the run this pain is for: your latest run is not from the last few days.")
elif saved:
    try:
        entry = services.log_pain(
            engine,
            athlete,
            during=during,
            after=after,
            location=location,
            note=note or None,
            run_id=run_id,
            today=today(),
            actor=actor,
        )
    except (InputError, NotAllowedError, NotFoundError) as exc:
        st.error(markdown_text(exc))
    else:
        view = services.report(engine, athlete, entry.entry_date, today=today(), actor=actor)
        zone = view.pain.zone or "green"
        show, text = ZONE[zone]
        verb = "Updated this run's entry" if entry.is_update else "Saved"
        day = f"{entry.entry_date:%a %d %b %Y}"
        show(f"{verb} for the run of {day}. Pain zone: **{zone}** ({text}).")
        st.toast(f"{verb}: pain {max(during, after)}/10 for {day}, zone {zone}")
        if zone == "red":
            st.session_state[RED_KEY] = (athlete, entry.id)
        for alert in (a for a in view.alerts if a.rule_id == "pain" and a.severity.value != "info"):
            st.text(alert.message)
        crosses = [p for p in view.plan if p.kind.value == "cross-training" and not p.done]
        suggestion = next(
            (p for p in crosses if p.caused_by == "pain"), crosses[0] if crosses else None
        )
        if suggestion and zone != "green":
            st.info(
                f"Suggested cross-training: **{suggestion.date:%A}**, {suggestion.sport}, "
                "instead of running."
            )

red = st.session_state.get(RED_KEY)
# Issue #14: a red pain day becomes an injury period in one tap.
if (
    red is not None
    and red[0] == athlete
    and st.button(
        "Record an injury from this red day",
        icon=":material/personal_injury:",
        key="pain_page.to_injury",
    )
):
    try:
        made = services.injury_from_pain(engine, athlete, red[1], today=today(), actor=actor)
    except (InputError, NotFoundError, NotAllowedError) as exc:
        st.error(markdown_text(exc))
    else:
        st.session_state.pop(RED_KEY, None)
        st.success(
            f"Injury period {'already recorded' if made.is_existing else 'recorded'}: "
            f"{made.site} since {made.start_date:%a %d %b}. The 7-day plan holds no runs "
            "until you end it on the Injuries page."
        )
        st.page_link(
            "loadwatch/ui/pages/injuries_page.py",
            label="Open Injuries",
            icon=":material/personal_injury:",
        )

st.divider()
st.subheader("Morning check-in")
st.write("How does it feel this morning? One tap saves it.")
morning = st.segmented_control(
    "Morning pain", list(range(11)), key="pain_page.morning", label_visibility="collapsed"
)
if morning is not None:
    try:
        saved_morning = services.log_morning_pain(
            engine, athlete, int(morning), today=today(), actor=actor
        )
    except InputError as exc:
        st.error(markdown_text(exc))
    else:
        verb = "updated" if saved_morning.is_update else "saved"
        st.success(f"Morning pain {morning}/10 {verb} for {today():%a %d %b}.")

st.divider()
with st.expander("Your pain entries (edit or delete)"):
    entries = services.list_pain(engine, athlete, actor=actor)[-10:][::-1]
    if not entries:
        st.caption("No entries yet.")
    for item in entries:
        scores = " · ".join(
            f"{name} {value}/10"
            for name, value in (
                ("during", item.during),
                ("after", item.after),
                ("morning", item.morning),
            )
            if value is not None
        )
        line, injury, button = st.columns([4, 1, 1])
        line.write(f"{item.entry_date:%a %d %b %Y} · {scores} {item.location or ''}")
        is_red = max(item.during or 0, item.after or 0) > limits.pain_acceptable_max
        if is_red and injury.button(
            "Injury", key=f"pain_page.injury.{item.id}", help="Record an injury from this day"
        ):
            try:
                made = services.injury_from_pain(
                    engine, athlete, item.id, today=today(), actor=actor
                )
            except (InputError, NotFoundError, NotAllowedError) as exc:
                st.error(markdown_text(exc))
            else:
                st.success(
                    f"Injury period {'already recorded' if made.is_existing else 'recorded'}: "
                    f"{made.site} since {made.start_date:%a %d %b}; see the Injuries page."
                )
        if button.button("Delete", key=f"pain_page.delete.{item.id}"):
            services.delete_pain(engine, athlete, item.id, actor=actor)
            st.rerun()
    st.caption("To change a run's scores, pick the run above and save again: it updates.")
st.caption("loadwatch informs; it is not medical advice.")
