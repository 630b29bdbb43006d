"""Shoes: mileage per pair against its window; add, default, retire, reassign a run."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from loadwatch import services
from loadwatch.domain import Sport
from loadwatch.errors import InputError, NotFoundError
from loadwatch.ui import charts
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.state import get_engine, today
from loadwatch.units import format_distance, from_unit

st.title("Shoes")
athlete = athlete_picker.pick()
if athlete is None:
    st.info("No athletes yet: import runs first, then add the shoes you ran them in.")
    st.stop()
engine = get_engine()
units = services.athlete_settings(engine, athlete).units
pairs = services.list_shoes(engine, athlete)

if not pairs:
    st.info("No shoes yet: add your pair below; new runs go on the default pair.")
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
    st.plotly_chart(charts.shoes(frame, units), key="shoes_page.chart")
    for pair in pairs:
        default = " · default" if pair.is_default else ""
        retired = f" {pair.retired_on}" if pair.retired_on else ""
        st.progress(
            min(pair.distance_m / pair.window_end_m, 1.0),
            text=f"**{pair.name}** ({pair.brand_model or 'no model'}): "
            f"{format_distance(pair.distance_m, units, 0)} of "
            f"{format_distance(pair.window_end_m, units, 0)}, "
            f"{pair.runs} runs · {pair.status}{default}{retired}",
        )
    st.caption(
        "Window marks: start (300 mi), caution (400 mi), replace (500 mi) by default; "
        "a convention, not a trial result. Rotating more than one pair was linked to fewer "
        "injuries (Malisoux 2015)."
    )


def _act(action: Callable[..., object], *args: object) -> None:
    try:
        action(*args)
    except (InputError, NotFoundError) as exc:
        st.error(str(exc))
    else:
        st.rerun()


active = [p.name for p in pairs if p.retired_on is None]
if active:
    col1, col2 = st.columns(2)
    with col1:
        chosen = st.selectbox("Pair", active, key="shoes_page.pair")
    with col2:
        st.write("")
        b1, b2 = st.columns(2)
        if b1.button("Make default", key="shoes_page.default"):
            _act(services.set_default_shoe, engine, athlete, chosen)
        if b2.button("Retire", key="shoes_page.retire"):
            _act(services.retire_shoe, engine, athlete, chosen, today())

    runs = [r for r in services.list_activities(engine, athlete) if r.sport is Sport.RUN][-20:][
        ::-1
    ]
    if runs:
        with st.expander("Move a run to another pair"):
            run_id = st.selectbox(
                "Run",
                [r.id for r in runs],
                key="shoes_page.run",
                format_func=lambda i: next(
                    f"{r.started_at:%a %d %b} · {r.distance_m / 1000:.1f} km · "
                    f"{r.shoe or 'no pair'}"
                    for r in runs
                    if r.id == i
                ),
            )
            target = st.selectbox("To pair", active, key="shoes_page.target")
            if st.button("Move run", key="shoes_page.move"):
                _act(services.assign_shoe, engine, run_id, target)

with st.form("shoes_page.add"):
    st.subheader("Add a pair")
    name = st.text_input("Name", key="shoes_page.name")
    model = st.text_input("Brand and model (optional)", key="shoes_page.model")
    start = st.number_input(
        f"Distance already on them ({units.value})",
        min_value=0.0,
        value=0.0,
        key="shoes_page.start",
    )
    default_window = (300.0, 500.0) if units.value == "mi" else (480.0, 800.0)
    low = st.number_input(
        f"Window start ({units.value})",
        min_value=1.0,
        value=default_window[0],
        key="shoes_page.low",
    )
    high = st.number_input(
        f"Replace at ({units.value})", min_value=1.0, value=default_window[1], key="shoes_page.high"
    )
    make_default = st.checkbox("New runs go on this pair", key="shoes_page.make_default")
    if st.form_submit_button("Add pair", type="primary"):
        try:
            services.add_shoe(
                engine,
                athlete,
                name,
                brand_model=model or None,
                starting_distance_m=from_unit(start, units),
                window_m=(from_unit(low, units), from_unit(high, units)),
                is_default=make_default,
            )
        except InputError as exc:
            st.error(str(exc))
        else:
            st.rerun()
