"""Settings: km or miles, week start, home time zone, and the rule thresholds with their sources."""

from __future__ import annotations

import streamlit as st

from loadwatch import services
from loadwatch.errors import InputError
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.state import get_engine

SOURCES = {
    "small_spike_ratio": "R1, Frandsen et al. 2025 (spike > 1.10x: HR 1.64)",
    "moderate_spike_ratio": "R1, Frandsen et al. 2025 (> 1.30x: HR 1.52)",
    "large_spike_ratio": "R1, Frandsen et al. 2025 (> 2.00x: HR 2.28)",
    "weekly_growth_ratio": (
        "R2, the 10% rule: a convention; the GRONORUN trial found no protection (Buist 2008)"
    ),
    "two_week_growth_ratio": "R2, > 30% over two weeks (Nielsen et al. 2014)",
    "low_base_m": "R2, below this previous week (metres), report km not % (product default)",
    "pain_safe_max": "R3, pain-monitoring model: 0-2 safe (Thomee 1997)",
    "pain_acceptable_max": "R3, 3-5 acceptable if it settles (Thomee 1997; Silbernagel 2007)",
    "monotony_info": "R5, Foster 1998; Runalyze's constant",
    "monotony_caution": "R5, Foster 1998; Runalyze's constant",
    "acwr_low": "R6, Gabbett 2016 (contested)",
    "acwr_high": "R6, Gabbett 2016 (contested)",
    "acwr_danger": "R6, Gabbett 2016 (contested)",
    "returning_run_cap_m": "R7, first run after a break (metres; product default)",
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

st.title("Settings")
athlete = athlete_picker.pick()
if athlete is None:
    st.info("No athletes yet: settings belong to an athlete; import runs first.")
    st.stop()
engine = get_engine()
current = services.athlete_settings(engine, athlete)
defaults = type(current.thresholds)().to_dict()

with st.form("settings_page.form"):
    units = st.radio(
        "Units",
        ["km", "mi"],
        index=["km", "mi"].index(current.units.value),
        horizontal=True,
        key="settings_page.units",
    )
    week_start = st.selectbox(
        "Weeks start on",
        WEEKDAYS,
        index=current.week_start,
        key="settings_page.week_start",
        format_func=str.title,
    )
    home_tz = st.text_input(
        "Home time zone (for GPX/TCX files without coordinates)",
        current.home_tz,
        key="settings_page.home_tz",
    )
    st.subheader("Thresholds")
    st.caption("Defaults come from ../shared/RULES.md; change them only with a reason.")
    values: dict[str, float] = {}
    for name, value in current.thresholds.to_dict().items():
        values[name] = st.number_input(
            name.replace("_", " "),
            value=float(value),
            min_value=0.0001,
            format="%g",
            help=f"Default {defaults[name]:g}. {SOURCES.get(name, '')}",
            key=f"settings_page.{name}",
        )
        st.caption(f"default {defaults[name]:g} · {SOURCES.get(name, '')}")
    if st.form_submit_button("Save", type="primary"):
        try:
            services.update_settings(
                engine,
                athlete,
                units=units,
                week_start=week_start,
                home_tz=home_tz,
                thresholds=values,
            )
        except InputError as exc:
            st.error(str(exc))
        else:
            st.success("Saved.")
