"""Settings: km or miles, week start, home time zone, and the rule thresholds with their sources."""

from __future__ import annotations

import streamlit as st

from loadwatch import services
from loadwatch.errors import InputError
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.state import get_engine

st.title("Settings")
athlete = athlete_picker.pick()
if athlete is None:
    st.info("No athletes yet: settings belong to an athlete; import runs first.")
    st.stop()
engine = get_engine()
current = services.athlete_settings(engine, athlete)

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
        services.WEEKDAYS,
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
    st.caption(
        "Each threshold with its default and source (docs/rules.md); change one only with a "
        'reason. "loadwatch default" marks a product choice, not a study finding.'
    )
    values: dict[str, float] = {}
    chosen = current.thresholds.to_dict()
    for spec in services.threshold_specs():
        title = services.rule_title(spec.rule_id) if spec.rule_id != "plan" else "7-day plan"
        values[spec.name] = st.number_input(
            f"{spec.name.replace('_', ' ')} ({spec.unit})",
            value=chosen[spec.name],
            min_value=0.0001,
            format="%g",
            help=f"{title}. Default {spec.default:g}. {spec.source}",
            key=f"settings_page.{spec.name}",
        )
        st.caption(f"{title} · default {spec.default:g} · {spec.source}")
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
