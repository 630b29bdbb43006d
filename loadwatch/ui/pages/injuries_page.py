"""Injuries (issue #14): the period now or the return ladder, recording and ending periods, and
what came before each one as a printable page to take to a physiotherapist."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from loadwatch import services
from loadwatch.documents.lead_up import lead_up_html
from loadwatch.domain import PAIN_LOCATIONS, InjurySide
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.state import current_actor, get_engine, today
from loadwatch.ui.text import markdown_text
from loadwatch.units import format_distance

DONE_KEY = "injuries_page.done"  # the confirmation shown after the rerun an action causes
LEAD_UP_KEY = "injuries_page.lead_up"  # the injury whose lead-up is shown
NOT_ADVICE = (
    "loadwatch informs; it is not medical advice. Suggestions while injured are to clear "
    "with your physiotherapist or doctor."
)

st.title("Injuries")
engine = get_engine()
actor = current_actor()
athlete = athlete_picker.pick()
if athlete is None:
    st.info(
        "No runs yet: import your runs on the Import page; then record an injury here, or turn "
        "a red pain day into one on the Log pain page."
    )
    st.stop()
day = today()
units = services.athlete_settings(engine, athlete, actor=actor).units
state = services.injury_status(engine, athlete, today=day, actor=actor)
periods = services.list_injuries(engine, athlete, today=day, actor=actor)
done = st.session_state.pop(DONE_KEY, None)
if done:
    st.success(markdown_text(done))


def _km(metres: float) -> str:
    return format_distance(metres, units)


def _act(action: str, call: object) -> None:
    """Run a change; on success say so after the rerun, else show the reason."""
    try:
        call()  # type: ignore[operator]
    except (InputError, NotFoundError, NotAllowedError) as exc:
        st.error(markdown_text(exc))
    else:
        st.session_state[DONE_KEY] = action
        st.rerun()


# --- Now: the ongoing period, or the return ladder ------------------------------------------
if state.ongoing is not None:
    current = state.ongoing
    site = f"{current.side} {current.location}" if current.side else current.location
    st.warning(
        f"**Injured** since {current.start_date:%a %d %b} ({site}): day {state.days_so_far}, "
        f"{state.days_without_running} without running. The 7-day plan holds no runs; its "
        f"cross-training and strength spare the {current.location}, as suggestions to clear "
        "with your physiotherapist or doctor.",
        icon=":material/personal_injury:",
    )
    with st.form("injuries_page.end", border=True):
        back = st.date_input(
            "First day back (cleared to start the return)",
            value=day,
            min_value=current.start_date + timedelta(days=1),
            max_value=day,
            key="injuries_page.end_date",
        )
        if st.form_submit_button("End the injury period and start the return", type="primary"):
            _act(
                "Injury period ended: the return ladder starts.",
                lambda: services.end_injury(
                    engine, athlete, current.id, end=back, today=day, actor=actor
                ),
            )
elif state.ladder is not None and not state.ladder.is_complete:
    ladder = state.ladder
    step = ladder.step
    st.info(
        f"**Return to running** after your {ladder.injury.location} injury: step "
        f"{step.number} of {len(ladder.steps)}, {step.pattern}, up to {_km(step.distance_m)}. "
        "A step unlocks after a run at pain 0-2 that settles by the next morning; a red day "
        "steps back. Log pain after each run and the next morning on the Log pain page.",
        icon=":material/stairs:",
    )
    st.progress(step.number / len(ladder.steps), text=f"step {step.number} of {len(ladder.steps)}")
    steps = pd.DataFrame(
        {
            "step": [s.number for s in ladder.steps],
            "session": [s.pattern for s in ladder.steps],
            "up to": [_km(s.distance_m) for s in ladder.steps],
            "": [
                "done" if s.number < step.number else "now" if s.number == step.number else ""
                for s in ladder.steps
            ],
        }
    )
    left, right = st.columns([3, 2])
    left.caption("The ladder (loadwatch defaults; walk-run first, then continuous: Warden 2021)")
    left.dataframe(steps, hide_index=True, height=260, key="injuries_page.ladder")
    right.caption("Your runs back and what their pain did")
    if ladder.runs:
        right.dataframe(
            pd.DataFrame(
                {
                    "date": [r.run_date.strftime("%a %d %b") for r in ladder.runs],
                    "run": [_km(r.distance_m) for r in ladder.runs],
                    "step": [r.step for r in ladder.runs],
                    "pain": ["-" if r.score is None else f"{r.score}/10" for r in ladder.runs],
                    "outcome": [r.outcome for r in ladder.runs],
                }
            ),
            hide_index=True,
            key="injuries_page.runs_back",
        )
    else:
        right.write("No run since the period ended.")
else:
    st.success("No injury period now.", icon=":material/check_circle:")

# --- Record an injury ------------------------------------------------------------------------
with (
    st.expander("Record an injury period", expanded=not periods),
    st.form("injuries_page.add", border=False),
):
    start = st.date_input("First day", value=day, max_value=day, key="injuries_page.start")
    location = st.pills("Where?", PAIN_LOCATIONS, key="injuries_page.location")
    side = st.segmented_control("Side", [s.value for s in InjurySide], key="injuries_page.side")
    is_over = st.checkbox("It is already over", key="injuries_page.is_over")
    end = st.date_input("First day back", value=day, max_value=day, key="injuries_page.add_end")
    note = st.text_input(
        "Note (optional), e.g. what a physiotherapist said", key="injuries_page.note"
    )
    if st.form_submit_button("Save the injury period", type="primary"):
        _act(
            "Injury period saved.",
            lambda: services.add_injury(
                engine,
                athlete,
                start=start,
                end=end if is_over else None,
                location=location,
                side=side,
                note=note or None,
                today=day,
                actor=actor,
            ),
        )

# --- Every period ----------------------------------------------------------------------------
st.subheader("Your injury periods")
if not periods:
    st.caption("None recorded.")
for item in reversed(periods):
    line, lead, remove = st.columns([5, 1.4, 1])
    span = (
        f"{item.start_date:%d %b %Y} to {item.end_date:%d %b %Y}"
        if item.end_date
        else f"since {item.start_date:%d %b %Y} (ongoing)"
    )
    days = "day" if item.days == 1 else "days"
    line.write(
        f"**{item.site}** · {span} · {item.days} {days}"
        + (" so far" if item.is_ongoing else "")
        + f", {item.days_without_running} without running"
        + (f"  \n_{item.note}_" if item.note else "")
    )
    if lead.button("What came before", key=f"injuries_page.show.{item.id}"):
        st.session_state[LEAD_UP_KEY] = item.id
    if remove.button("Delete", key=f"injuries_page.delete.{item.id}"):
        _act(
            "Injury period deleted.",
            lambda item=item: services.delete_injury(engine, athlete, item.id, actor=actor),
        )

# --- What came before: the printable page ---------------------------------------------------
if periods:
    st.subheader("What came before")
    ids = [p.id for p in reversed(periods)]
    if st.session_state.get(LEAD_UP_KEY) not in ids:
        st.session_state[LEAD_UP_KEY] = ids[0]
    chosen = st.selectbox(
        "Injury",
        ids,
        format_func=lambda i: next(
            f"{p.site} from {p.start_date:%d %b %Y}" for p in periods if p.id == i
        ),
        key=LEAD_UP_KEY,
    )
    view = services.injury_lead_up(engine, athlete, chosen, today=day, actor=actor)
    page = lead_up_html(view)
    fourteen = view.lead_up.windows[0]
    st.caption(
        f"The 14 days before: {fourteen.runs} runs, {_km(fourteen.distance_m)}, "
        f"{len(fourteen.spikes)} spike(s), {len(fourteen.pain)} pain entries. The page below "
        "prints on A4 (its Print button, or your browser's Save as PDF) for a physiotherapist."
    )
    st.download_button(
        "Download the printable page (HTML)",
        page,
        file_name=f"loadwatch-lead-up-{view.injury.start_date.isoformat()}.html",
        mime="text/html",
        key="injuries_page.download",
    )
    components.html(page, height=900, scrolling=True)

    pattern = services.injury_pattern(engine, athlete, today=day, actor=actor)
    st.subheader("Your own pattern")
    count = len(pattern.episodes)
    if pattern.is_shown:
        st.write(
            f"In your log, {count} episodes (injury periods and red pain days, one per 14 days). "
            "Counts, not a prediction: the numbers are small."
        )
        st.dataframe(
            pd.DataFrame(
                {
                    "in your log": [f.label for f in pattern.factors],
                    "before an episode (14 days)": [
                        f"{f.episodes_with} of {count}" for f in pattern.factors
                    ],
                    "times at all": [f.occurrences for f in pattern.factors],
                    "followed by an episode": [
                        f"{f.followed} of {f.occurrences}" if f.occurrences else "-"
                        for f in pattern.factors
                    ],
                }
            ),
            hide_index=True,
            key="injuries_page.pattern",
        )
    else:
        st.caption(
            f"{count} episode(s) in your log so far; your own pattern (what came before your "
            f"injuries and red pain days) is shown from {pattern.min_episodes}."
        )
st.caption(NOT_ADVICE)
