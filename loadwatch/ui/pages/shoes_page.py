"""Shoes: mileage and age per pair against its window, coloured by status; add, default,
retire and bring back a pair; put one run, or every run since a day, on a pair (issue #12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from loadwatch import services
from loadwatch.domain import ActivityRow, Sport
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.ui import charts
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.components.week_picker import EARLIEST
from loadwatch.ui.state import current_actor, get_engine, today
from loadwatch.ui.text import markdown_text
from loadwatch.units import count_noun, format_distance, from_unit, to_unit

STATUS_TEXT = {
    "replace": "replace",
    "caution": "near the end of its window",
    "window": "in its window",
    "ok": "ok",
    "retired": "retired",
}
DONE_KEY = "shoes_page.done"  # the confirmation shown after the rerun an action causes

st.title("Shoes")
engine = get_engine()
actor = current_actor()
athlete = athlete_picker.pick()
if athlete is None:
    st.info(
        "No athletes yet: set yourself up on the Settings page (with your first pair), or "
        "import runs on the Import page, then add the shoes you ran them in."
    )
    st.stop()
settings = services.athlete_settings(engine, athlete, actor=actor)
units = settings.units
window_start_m = settings.thresholds.shoe_window_start_m
window_end_m = settings.thresholds.shoe_window_end_m
pairs = services.list_shoes(engine, athlete, actor=actor)
runs = [r for r in services.list_activities(engine, athlete, actor=actor) if r.sport is Sport.RUN]
done = st.session_state.pop(DONE_KEY, None)
if done:
    st.success(markdown_text(done))


def _local_day(run: ActivityRow) -> date:
    return services.local_day(run.started_at, run.utc_offset_s)


def _age(first_day: date | None) -> str:
    """Months since the pair's first run here ("new" before it has one)."""
    if first_day is None:
        return "no runs yet"
    months = (today().year - first_day.year) * 12 + today().month - first_day.month
    return "under a month" if months < 1 else f"{months} month{'s' if months != 1 else ''}"


first_run: dict[str, date] = {}
for run in runs:  # oldest first
    if run.shoe is not None:
        first_run.setdefault(run.shoe, _local_day(run))

if not pairs:
    st.info(
        'No shoes yet: add your pair below. Tick "New runs go on this pair" to have new '
        "runs counted on it."
    )
else:
    frame = pd.DataFrame(
        {
            "shoe_id": range(len(pairs)),
            "name": [p.name for p in pairs],
            "distance_m": [p.distance_m for p in pairs],
            "window_start_m": [p.window_start_m for p in pairs],
            "window_end_m": [p.window_end_m for p in pairs],
            "retired": [p.retired_on is not None for p in pairs],
            "status": [p.status for p in pairs],
        }
    )
    st.plotly_chart(charts.shoes(frame, units), key="shoes_page.chart", config=charts.CONFIG)
    for pair in pairs:
        default = " · new runs go on this pair" if pair.is_default else ""
        if pair.first_used_on is not None:
            default += f" (from {pair.first_used_on:%d %b %Y})"
        retired = f" on {pair.retired_on:%d %b %Y}" if pair.retired_on else ""
        share = min(pair.distance_m / pair.window_end_m, 1.0) if pair.window_end_m else 0.0
        colour = charts.shoe_colour(pair.status) if pair.retired_on is None else "#9e9e9e"
        st.markdown(
            f"**{markdown_text(pair.name)}** ({markdown_text(pair.brand_model or 'no model')}): "
            f"{format_distance(pair.distance_m, units, 0)} of "
            f"{format_distance(pair.window_end_m, units, 0)} · "
            + (
                f"{_age(first_run.get(pair.name))} · {count_noun(pair.runs, 'run')} · "
                if pair.runs
                else "no runs yet · "
            )
            + f"{STATUS_TEXT.get(pair.status, pair.status)}{retired}{default}"
        )
        st.html(
            '<div style="background:#eceff1;border-radius:4px;height:10px;margin:-8px 0 8px 0">'
            f'<div style="width:{share:.1%};background:{colour};height:10px;border-radius:4px">'
            "</div></div>"
        )
    mid_m = (window_start_m + window_end_m) / 2
    st.caption(
        f"Window marks for a new pair: start ({format_distance(window_start_m, units, 0)}), "
        f"caution ({format_distance(mid_m, units, 0)}), replace "
        f"({format_distance(window_end_m, units, 0)}); each pair keeps its own. "
        "A convention, not a trial result. Rotating more than one pair was linked to fewer "
        "injuries (Malisoux 2015). Age counts from the pair's first run in your log."
    )


def _act(message: str, action: Callable[..., object], *args: object) -> None:
    try:
        action(*args, actor=actor)
    except (InputError, NotFoundError, NotAllowedError) as exc:
        st.error(markdown_text(exc))
    else:
        st.session_state[DONE_KEY] = message
        st.rerun()


def _run_label(run: ActivityRow) -> str:
    return (
        f"{_local_day(run):%a %d %b %Y} · {format_distance(run.distance_m, units, 1)} · "
        f"{run.shoe or 'no pair'}"
    )


active = [p.name for p in pairs if p.retired_on is None]
retired_pairs = [p.name for p in pairs if p.retired_on is not None]
if active:
    col1, col2 = st.columns(2)
    with col1:
        chosen = st.selectbox("Pair", active, key="shoes_page.pair")
    with col2:
        st.write("")
        b1, b2 = st.columns(2)
        if b1.button("New runs go on this pair", key="shoes_page.default"):
            _act(f"New runs go on {chosen}.", services.set_default_shoe, engine, athlete, chosen)
        if b2.button("Retire", key="shoes_page.retire"):
            _act(f"{chosen} retired.", services.retire_shoe, engine, athlete, chosen, today())

    recent = runs[-30:][::-1]
    if recent:
        with st.expander("Move a run to another pair"):
            run_id = st.selectbox(
                "Run",
                [r.id for r in recent],
                key="shoes_page.run",
                format_func=lambda i: next(_run_label(r) for r in recent if r.id == i),
            )
            target = st.selectbox("To pair", active, key="shoes_page.target")
            if st.button("Move run", key="shoes_page.move"):
                _act(f"Run moved to {target}.", services.assign_shoe, engine, run_id, target)
        with st.expander("Put every run since a day on one pair"):
            since = st.date_input(
                "Runs since (local day, inclusive)",
                value=_local_day(recent[0]),
                max_value=today(),
                key="shoes_page.since",
                format="YYYY-MM-DD",
            )
            since_target = st.selectbox("On pair", active, key="shoes_page.since_target")
            matching = {r.id: since_target for r in runs if _local_day(r) >= since}
            st.caption(f"{count_noun(len(matching), 'run')} since {since:%a %d %b %Y}.")
            if st.button("Put them on this pair", key="shoes_page.since_go", disabled=not matching):
                _act(
                    f"{count_noun(len(matching), 'run')} since {since:%d %b %Y} now on "
                    f"{since_target}.",
                    services.assign_shoes,
                    engine,
                    matching,
                )

if retired_pairs:
    with st.expander("Bring a retired pair back"):
        back = st.selectbox("Retired pair", retired_pairs, key="shoes_page.retired")
        if st.button("Bring back", key="shoes_page.unretire"):
            _act(f"{back} is back in use.", services.unretire_shoe, engine, athlete, back)

with st.form("shoes_page.add", clear_on_submit=True):
    st.subheader("Add a pair")
    name = st.text_input("Name", key="shoes_page.name")
    model = st.text_input("Brand and model (optional)", key="shoes_page.model")
    start = st.number_input(
        f"Distance already on them ({units.value})",
        min_value=0.0,
        value=0.0,
        key="shoes_page.start",
    )
    default_window = (round(to_unit(window_start_m, units)), round(to_unit(window_end_m, units)))
    low = st.number_input(
        f"Window start ({units.value})",
        min_value=1.0,
        value=float(default_window[0]),
        key="shoes_page.low",
    )
    high = st.number_input(
        f"Replace at ({units.value})",
        min_value=1.0,
        value=float(default_window[1]),
        key="shoes_page.high",
    )
    make_default = st.checkbox(
        "New runs go on this pair", value=not active, key="shoes_page.make_default"
    )
    first_used = st.date_input(
        "First day you ran in them",
        value=today(),
        max_value=today(),
        min_value=EARLIEST,
        format="YYYY-MM-DD",
        key="shoes_page.first_used",
        help="As the default pair it takes the runs you import from this day on, not older ones.",
    )
    if st.form_submit_button("Add pair", type="primary"):
        try:
            added = services.add_shoe(
                engine,
                athlete,
                name,
                brand_model=model or None,
                starting_distance_m=from_unit(start, units),
                window_m=None  # unchanged: the athlete's own window, exact in metres
                if (low, high) == default_window
                else (from_unit(low, units), from_unit(high, units)),
                is_default=make_default,
                first_used_on=first_used if isinstance(first_used, date) else today(),
                actor=actor,
            )
        except (InputError, NotAllowedError) as exc:
            st.error(markdown_text(exc))
        else:
            where = " New runs go on it." if added.is_default else ""
            st.session_state[DONE_KEY] = f"Added {added.name}.{where}"
            st.rerun()
