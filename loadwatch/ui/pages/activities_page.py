"""Activities: every activity with its sport and how it was known; open one to see the files it
was merged from, correct its sport, or split a file back out (issue #10)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loadwatch import services
from loadwatch.domain import Sport
from loadwatch.errors import InputError, NotFoundError
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.state import get_engine
from loadwatch.units import format_distance

HOW_KNOWN = {
    "user": "set by you",
    "declared": "the file says",
    "export": "the export says",
    "inferred": "inferred from speed and sensors",
    "default": "your default sport",
}

st.title("Activities")
athlete = athlete_picker.pick()
if athlete is None:
    st.info("No activities yet: import a .fit, .gpx or .tcx file on the Import page.")
    st.stop()
engine = get_engine()
units = services.athlete_settings(engine, athlete).units
rows = services.list_activities(engine, athlete)[::-1]
if not rows:
    st.info("No activities yet: import a .fit, .gpx or .tcx file on the Import page.")
    st.stop()

st.dataframe(
    pd.DataFrame(
        {
            "id": [r.id for r in rows],
            "date": [r.started_at.strftime("%Y-%m-%d %H:%M UTC") for r in rows],
            "name": [r.name or "" for r in rows],
            "sport": [r.sport.value for r in rows],
            "how known": [HOW_KNOWN.get(r.sport_source.value, r.sport_source.value) for r in rows],
            "distance": [format_distance(r.distance_m, units) for r in rows],
            "format": [r.source_format.value for r in rows],
        }
    ),
    hide_index=True,
    width="stretch",
    key="activities_page.table",
)

chosen = st.selectbox(
    "Open an activity",
    [r.id for r in rows],
    format_func=lambda i: next(
        f"#{r.id} · {r.started_at:%a %d %b %Y} · {r.sport.value} · "
        f"{format_distance(r.distance_m, units)}"
        for r in rows
        if r.id == i
    ),
    key="activities_page.chosen",
)
detail = services.activity_detail(engine, int(chosen))
activity = detail.activity
st.subheader(activity.name or f"Activity #{activity.id}")
st.caption(
    f"{activity.sport.value} ({HOW_KNOWN.get(activity.sport_source.value, '')}) · "
    f"{format_distance(activity.distance_m, units)} · {activity.device or 'unknown device'}"
)

st.markdown(f"**Sources** ({len(detail.sources)}): the files this activity was merged from.")
for source in detail.sources:
    gave = ", ".join(source.contributed) or "nothing (another source had each field)"
    role = "primary" if source.is_primary else "also"
    text, button = st.columns([5, 1])
    text.write(
        f"{role} · `{source.file}` · {source.source_format.value.upper()} · "
        f"{source.device or 'no device'} · {source.sport.value} "
        f"({HOW_KNOWN.get(source.sport_source.value, '')}) · gave: {gave}"
    )
    if len(detail.sources) > 1 and button.button(
        "Split out", key=f"activities_page.split.{source.sha256}.{source.session_index}"
    ):
        try:
            services.split_source(engine, activity.id, source.sha256)
        except (InputError, NotFoundError) as exc:
            st.error(str(exc))
        else:
            st.rerun()

with st.form("activities_page.sport_form", border=False):
    sports = [s.value for s in Sport]
    sport = st.selectbox(
        "Correct the sport",
        sports,
        index=sports.index(activity.sport.value),
        key="activities_page.sport",
        help="Your choice beats every file, and survives re-imports and later merges.",
    )
    if st.form_submit_button("Save sport"):
        try:
            services.set_sport(engine, activity.id, sport)
        except (InputError, NotFoundError) as exc:
            st.error(str(exc))
        else:
            st.success(f"Activity #{activity.id} is now a {sport} (set by you).")
