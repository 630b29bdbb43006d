"""Activities: every activity in a filterable table, 50 to a page (issue #27); open one to see
its route, its pace, heart rate, cadence and elevation over time, its pain entries and the files
it was merged from, and to correct its name, sport and shoe (issues #10, #12)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from loadwatch import services
from loadwatch.domain import Sport
from loadwatch.errors import InputError, NotFoundError
from loadwatch.ui import cached, charts
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.state import current_actor, get_engine
from loadwatch.ui.text import markdown_text
from loadwatch.units import (
    count_noun,
    format_distance,
    format_pace,
    format_speed,
    speed_unit,
    to_unit,
)

HOW_KNOWN = {
    "user": "set by you",
    "declared": "the file says",
    "export": "the export says",
    "inferred": "inferred from speed and sensors",
    "default": "your default sport",
}
CHOSEN = "activities_page.chosen"
SPORTS = "activities_page.sports"
DATES = "activities_page.dates"
PAGE = "activities_page.page"
LINKED = "activities_page.linked"  # the ?activity= value this page wrote last
TABLE = "activities_page.table"
TABLE_PICK = "activities_page.table_pick"  # the table row last acted on
QUERY = "activity"  # ?activity=ID opens one activity (links from the calendar)
NO_PAIR = "(no pair)"


SAVED = "activities_page.saved"  # the message of the last save, shown after the rerun


@st.cache_data(show_spinner="Reading the activity's file...", max_entries=32)
def _track(
    engine_url: str, activity_id: int, sources: tuple[str, ...], actor: services.Actor
) -> services.ActivityTrack:
    """Parsing a stored file takes a moment: cached per database, activity, its files (a split
    or a merge changes them) and reader (access is checked on the first call)."""
    del engine_url, sources  # cache key only
    return services.activity_track(
        get_engine(), activity_id, actor=actor, max_points=cached.TRACK_POINTS
    )


def _clock(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _is_ride(sport: str) -> bool:
    """Rides are told in speed and pedal rpm, the rest in pace and steps (issue #24)."""
    return sport == Sport.RIDE.value


st.title("Activities")
athlete = athlete_picker.pick()
if athlete is None:
    st.info("No activities yet: import a .fit, .gpx or .tcx file on the Import page.")
    st.stop()
engine = get_engine()
actor = current_actor()
units = services.athlete_settings(engine, athlete, actor=actor).units
# --- the list: one page of it, read with its filters and totals in SQL (issue #27) ---
# A link's ?activity= (from the calendar) opens the page that holds it; the page writes the
# open activity back to ?activity=, so only a value it did not write itself is a link (else a
# choice in the picker was undone by the previous run's value).
wanted = st.query_params.get(QUERY)
jump = (
    int(wanted)
    if wanted
    and wanted.isdigit()
    and wanted != st.session_state.get(LINKED)
    and int(wanted) != st.session_state.get(CHOSEN)
    else None
)
chosen_sports = list(st.session_state.get(SPORTS, []))
span = st.session_state.get(DATES)
first_day, last_day = span if isinstance(span, tuple) and len(span) == 2 else (None, None)
log = cached.activity_page(
    engine,
    athlete,
    int(st.session_state.get(PAGE, 1)),
    sports=tuple(chosen_sports),
    first=first_day,
    last=last_day,
    containing=jump,
    actor=actor,
)
if log.log_count == 0 or log.first_day is None or log.last_day is None:
    st.info("No activities yet: import a .fit, .gpx or .tcx file on the Import page.")
    st.stop()
shown = log.frame
if jump is not None and jump in set(shown["activity_id"]):
    st.session_state[CHOSEN] = jump
if st.session_state.get(PAGE, 1) != log.page:  # a link's page, or past the last after a filter
    st.session_state[PAGE] = log.page
left, middle, right = st.columns([2, 2, 1])
left.multiselect("Sport", list(log.sports), placeholder="every sport", key=SPORTS)
middle.date_input(
    "Dates",
    value=(log.first_day, log.last_day),
    min_value=log.first_day,
    max_value=log.last_day,
    key=DATES,
    format="YYYY-MM-DD",
)
right.number_input(
    "Page",
    min_value=1,
    max_value=log.pages,
    step=1,
    key=PAGE,
    help=f"{log.per_page} activities a page, newest first",
)
st.caption(
    f"{log.count:,} of {count_noun(log.log_count, 'activity', 'activities')} · "
    f"{format_distance(log.distance_m, units)} · "
    f"{_clock(log.moving_s)} moving · page {log.page} of {log.pages}. Click a row to open "
    "it; click a column heading to sort the page."
)
if shown.empty:
    st.info("No activity matches these filters: widen the dates or clear the sports.")
    st.stop()
per_unit = to_unit(1000.0, units)
speed = speed_unit(units)
display = pd.DataFrame(
    {
        "date": shown["local_start"],
        "name": shown["name"],
        "sport": shown["sport"],
        "how known": [HOW_KNOWN.get(v, v) for v in shown["sport_source"]],
        f"distance ({units.value})": [to_unit(v, units) for v in shown["distance_m"]],
        "time": pd.to_timedelta(shown["moving_s"], unit="s").dt.round("1s"),
        f"pace (/{units.value})": [
            "" if _is_ride(sport) else format_pace(float(pace), units)
            for sport, pace in zip(shown["sport"], shown["pace_s_per_km"], strict=True)
        ],
        f"speed ({speed})": [
            format_speed(float(pace), units) if _is_ride(sport) else ""
            for sport, pace in zip(shown["sport"], shown["pace_s_per_km"], strict=True)
        ],
        "shoe": shown["shoe"],
        "pain": shown["pain_max"],
    }
)
st.space("small")  # room for the table's toolbar: on a phone it sat on the text above (#24)
event = st.dataframe(
    display,
    hide_index=True,
    width="stretch",
    key=TABLE,
    on_select="rerun",
    selection_mode="single-row",
    placeholder="",
    column_config={
        "date": st.column_config.DatetimeColumn("date", format="ddd D MMM YYYY, HH:mm"),
        f"distance ({units.value})": st.column_config.NumberColumn(format="%.2f"),
        "time": st.column_config.NumberColumn(
            "moving time", format="compact", help="Moving time (stops left out)"
        ),
        f"pace (/{units.value})": st.column_config.TextColumn(
            help="Moving time per " + ("kilometre" if per_unit == 1 else "mile") + ", m:ss"
        ),
        f"speed ({speed})": st.column_config.TextColumn(help="Rides: average moving speed"),
        "pain": st.column_config.NumberColumn(
            "pain", format="%d", help="Highest pain score (0-10) logged during or after it"
        ),
    },
)

# --- which activity is open: a row clicked, else a link's ?activity=, else the page's first ---
ids = [int(i) for i in shown["activity_id"]]
rows = event.selection.rows if event is not None else []
picked = int(shown["activity_id"].iloc[rows[0]]) if rows and rows[0] < len(shown) else None
if picked is not None and picked != st.session_state.get(TABLE_PICK):
    st.session_state[CHOSEN] = picked
st.session_state[TABLE_PICK] = picked
if st.session_state.get(CHOSEN) not in ids:
    st.session_state[CHOSEN] = ids[0]
labels = {
    int(i): f"{start:%a %d %b %Y, %H:%M} · {name or sport} · {format_distance(float(m), units)}"
    for i, start, sport, m, name in zip(
        shown["activity_id"],
        shown["local_start"],
        shown["sport"],
        shown["distance_m"],
        shown["name"],
        strict=True,
    )
}
chosen = int(st.selectbox("Open an activity", ids, format_func=labels.__getitem__, key=CHOSEN))
st.query_params[QUERY] = st.session_state[LINKED] = str(chosen)

# --- one activity ---
detail = services.activity_detail(engine, chosen, actor=actor)
activity = detail.activity
local_start = activity.started_at + timedelta(seconds=activity.utc_offset_s)
st.subheader(
    markdown_text(
        activity.name or f"{activity.sport.value.capitalize()} on {local_start:%a %d %b %Y}"
    )
)
st.caption(
    f"{local_start:%A %d %B %Y, %H:%M} · {activity.sport.value} "
    f"({HOW_KNOWN.get(activity.sport_source.value, '')}) · {activity.device or 'unknown device'}"
    + (f" · shoe: {activity.shoe}" if activity.shoe else "")
)
if SAVED in st.session_state:
    st.success(st.session_state.pop(SAVED), icon=":material/check:")
row = shown[shown["activity_id"] == chosen].iloc[0]
numbers = st.columns(6)
numbers[0].metric(f"Distance ({units.value})", f"{to_unit(activity.distance_m, units):.2f}")
numbers[1].metric(
    "Moving time", _clock(activity.moving_s), help=f"Elapsed {_clock(activity.duration_s)}"
)
sources_key = tuple(f"{v.sha256}:{v.session_index}" for v in detail.sources)
track = _track(str(engine.url), chosen, sources_key, actor)
is_ride = _is_ride(activity.sport.value)
pace = float(row["pace_s_per_km"])
if is_ride:
    numbers[2].metric(f"Speed ({speed})", format_speed(pace, units))
else:
    numbers[2].metric(f"Pace (/{units.value})", format_pace(pace, units))
numbers[3].metric("Climb (m)", f"{activity.ascent_m:.0f}" if activity.ascent_m else "-")
numbers[4].metric("Heart rate (bpm)", f"{activity.avg_hr_bpm:.0f}" if activity.avg_hr_bpm else "-")
cadence = track.avg_cadence if is_ride else activity.avg_cadence_spm
numbers[5].metric(
    "Cadence (rpm)" if is_ride else "Cadence (spm)", f"{cadence:.0f}" if cadence else "-"
)

outline, curves = st.columns([2, 3])
with outline:
    st.plotly_chart(
        charts.track_outline(track.frame), key="activities_page.outline", config=charts.CONFIG
    )
with curves:
    st.plotly_chart(
        charts.track_curves(track.frame, units, track.cadence_unit, is_ride=is_ride),
        key="activities_page.curves",
        config=charts.CONFIG,
    )
st.caption(track.note + ". The route is drawn without a map, so it works offline.")

st.markdown("**Pain**")
entries = services.activity_pain(engine, chosen, actor=actor)
if not entries:
    st.caption("No pain logged for this activity: the Log pain page takes a score after a run.")
for entry in entries:
    parts = [
        f"{name} {score}/10"
        for name, score in (
            ("during", entry.during),
            ("after", entry.after),
            ("next morning", entry.morning),
        )
        if score is not None
    ]
    where = f" · {markdown_text(entry.location)}" if entry.location else ""
    note = f" · “{markdown_text(entry.note)}”" if entry.note else ""
    st.markdown(f"- {entry.entry_date:%a %d %b}: {', '.join(parts)}{where}{note}")

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
            services.split_source(engine, activity.id, source.sha256, actor=actor)
        except (InputError, NotFoundError) as exc:
            st.error(markdown_text(exc))
        else:
            st.rerun()

st.markdown("**Edit**")
pairs = [s.name for s in services.list_shoes(engine, athlete, actor=actor) if not s.retired_on]
with st.form(f"activities_page.edit.{activity.id}", border=True):
    name = st.text_input("Name", value=activity.name or "", key="activities_page.name")
    sport_names = [s.value for s in Sport]
    sport = st.selectbox(
        "Sport",
        sport_names,
        index=sport_names.index(activity.sport.value),
        key="activities_page.sport",
        help="Your choice beats every file, and survives re-imports and later merges.",
    )
    shoe_options = [NO_PAIR, *pairs]
    current = activity.shoe if activity.shoe in pairs else NO_PAIR
    shoe = st.selectbox(
        "Shoe",
        shoe_options,
        index=shoe_options.index(current),
        key="activities_page.shoe",
        help="Runs only: the pair's distance is the sum of its runs.",
    )
    if st.form_submit_button("Save changes", type="primary"):
        done = []
        try:
            if name.strip() != (activity.name or ""):
                services.rename_activity(engine, activity.id, name, actor=actor)
                done.append(f"named {name.strip()!r}")
            if sport != activity.sport.value:
                services.set_sport(engine, activity.id, sport, actor=actor)
                done.append(f"a {sport} (set by you)")
            if sport == Sport.RUN.value and shoe != current:
                chosen_pair = None if shoe == NO_PAIR else shoe
                services.set_activity_shoe(engine, activity.id, chosen_pair, actor=actor)
                done.append(f"on {shoe}" if chosen_pair else "on no pair")
        except (InputError, NotFoundError) as exc:
            st.error(markdown_text(exc))
        else:
            if done:
                st.session_state[SAVED] = "This activity is now " + ", ".join(done)
                st.rerun()
            st.info("Nothing to save: every field is as it was.")
