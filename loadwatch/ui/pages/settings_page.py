"""Settings: a first-run form before any import (name, units, week start, home time zone, a
first pair of shoes); then units, week start, home time zone and the rule thresholds, shown in
the athlete's units and as percentages with plain labels (issue #12)."""

from __future__ import annotations

from datetime import date
from zoneinfo import available_timezones

import streamlit as st

from loadwatch import services
from loadwatch.errors import InputError, NotAllowedError
from loadwatch.ui.components import athlete_picker, demo_banner
from loadwatch.ui.components.week_picker import EARLIEST
from loadwatch.ui.state import ATHLETE_KEY, current_actor, get_engine, today
from loadwatch.ui.text import markdown_text
from loadwatch.units import DistanceUnit, from_unit, to_unit

# Plain words for each threshold (the registry's names are for the CLI and the JSON); a name
# not listed here (a new threshold) falls back to its name in words.
LABELS = {
    "small_spike_ratio": "Small spike: a run longer than this many times your longest run of "
    "the 30 days before",
    "moderate_spike_ratio": "Moderate spike: longer than this many times that longest run",
    "large_spike_ratio": "Large spike: longer than this many times that longest run",
    "weekly_growth_ratio": "Weekly growth guideline: this week's distance above last week's by",
    "two_week_growth_ratio": "Fast progression: 7 days above the 7 before by",
    "low_base_m": "Small base: below this weekly distance, changes are told in distance, "
    "not as a percentage",
    "pain_safe_max": "Pain that is safe: up to",
    "pain_acceptable_max": "Pain that is acceptable if it settles by the next morning: up to",
    "pain_stop_score": "Pain that means stop running and see a professional: from",
    "red_pain_run_fraction": "While pain is red, planned runs stay under this share of the run "
    "that hurt",
    "step_rate_cue_min": "Step-rate cue for knee-front pain: at least this much quicker",
    "step_rate_cue_max": "Step-rate cue: at most this much quicker",
    "monotony_info": "Monotony worth a note: from",
    "monotony_caution": "Monotony worth a caution: from",
    "acwr_low": "Acute:chronic load ratio, low: under",
    "acwr_high": "Acute:chronic load ratio, high: over",
    "acwr_danger": "Acute:chronic load ratio, very high: over",
    "return_fraction_month": "First run back after 31-60 days off, as a share of your longest "
    "run before the break",
    "return_fraction_quarter": "First run back after 61-180 days off, as that share",
    "return_fraction_long": "First run back after more than 180 days off, as that share",
    "min_planned_run_m": "Shortest run the plan suggests",
    "cross_training_days": "Non-impact (cross-training) days the plan keeps in 7",
    "strength_sessions": "Strength sessions the plan suggests in 7 days",
    "shoe_window_start_m": "Shoes: start watching a pair from",
    "shoe_window_end_m": "Shoes: replace a pair at",
}
NOT_MEDICAL = "These are defaults with sources, not medical advice; change one only with a reason."

engine = get_engine()
actor = current_actor()
demo_banner.leave_demo_if_asked()
st.title("Settings")
if st.session_state.pop(demo_banner.LEFT_KEY, False):
    st.success(
        f"Your own data: {services.database_path(engine)}. The demo stays in its own "
        "database (`loadwatch dashboard --demo` opens it again)."
    )
zones = sorted(available_timezones())


def _first_run() -> None:
    """Before the first import: who you are, your units and your first pair of shoes."""
    st.subheader("Welcome: set up your log")
    st.write(
        "Tell loadwatch who runs and how you count; then import your watch files. "
        "Everything here can be changed later."
    )
    machine_zone = services.default_home_tz()
    with st.form("settings_page.first_run"):
        name = st.text_input("Your name", placeholder="Ana", key="settings_page.first_name")
        units = st.radio(
            "Distances in",
            ["km", "mi"],
            horizontal=True,
            key="settings_page.first_units",
            format_func=lambda u: "kilometres" if u == "km" else "miles",
        )
        week_start = st.selectbox(
            "Weeks start on",
            services.WEEKDAYS,
            key="settings_page.first_week_start",
            format_func=str.title,
        )
        home_tz = st.selectbox(
            "Home time zone (for files that do not say where they were recorded)",
            zones,
            index=zones.index(machine_zone) if machine_zone in zones else zones.index("UTC"),
            key="settings_page.first_home_tz",
        )
        st.markdown("**Your first pair of shoes** (optional)")
        shoe = st.text_input("Name", placeholder="Blue Pegasus", key="settings_page.first_shoe")
        start = st.number_input(
            "Distance already on them (in the units above)",
            min_value=0.0,
            value=0.0,
            key="settings_page.first_shoe_start",
        )
        first_used = st.date_input(
            "First day you ran in them",
            value=today(),
            max_value=today(),
            min_value=EARLIEST,
            format="YYYY-MM-DD",
            key="settings_page.first_shoe_since",
            help="Runs you import from before this day are not counted on this pair.",
        )
        if st.form_submit_button("Start", type="primary"):
            try:
                created = services.start_athlete(
                    engine,
                    name,
                    units=units,
                    week_start=week_start,
                    home_tz=home_tz,
                    shoe=shoe or None,
                    shoe_starting_m=from_unit(start, DistanceUnit(units)),
                    shoe_first_used_on=first_used if isinstance(first_used, date) else today(),
                    actor=actor,
                )
            except (InputError, NotAllowedError) as exc:
                st.error(markdown_text(exc))
            else:
                st.session_state[ATHLETE_KEY] = created.athlete
                st.session_state["settings_page.started"] = created.athlete
                st.rerun()


def _value_shown(unit: str, value: float, units: DistanceUnit) -> tuple[float, str, str]:
    """A threshold as shown: (number, unit text, number format)."""
    if unit == "fraction":
        return round(value * 100, 4), "%", "%g"
    if unit == "m":
        return round(to_unit(value, units), 3), units.value, "%g"
    if unit == "x":
        return value, "times", "%g"
    if unit == "score":
        return value, "out of 10", "%g"
    return value, "", "%g"


def _value_stored(unit: str, shown: float, units: DistanceUnit) -> float:
    if unit == "fraction":
        return shown / 100
    if unit == "m":
        return from_unit(shown, units)
    return shown


athlete = athlete_picker.pick()
if athlete is None:
    _first_run()
    st.caption("Already have files? Import them on the Import page; they make the athlete too.")
    st.stop()
started = st.session_state.pop("settings_page.started", None)
if started:
    st.success(markdown_text(f"Welcome, {started}. Next: import your runs on the Import page."))
    st.page_link("loadwatch/ui/pages/import_page.py", label="Import", icon=":material/upload_file:")
current = services.athlete_settings(engine, athlete, actor=actor)
shown_units = current.units

with st.form("settings_page.form"):
    units = st.radio(
        "Distances in",
        ["km", "mi"],
        index=["km", "mi"].index(current.units.value),
        horizontal=True,
        key="settings_page.units",
        format_func=lambda u: "kilometres" if u == "km" else "miles",
    )
    week_start = st.selectbox(
        "Weeks start on",
        services.WEEKDAYS,
        index=current.week_start,
        key="settings_page.week_start",
        format_func=str.title,
    )
    home_tz = st.selectbox(
        "Home time zone (for files that do not say where they were recorded)",
        zones,
        index=zones.index(current.home_tz) if current.home_tz in zones else zones.index("UTC"),
        key="settings_page.home_tz",
    )
    st.subheader("Thresholds")
    st.caption(
        f'{NOT_MEDICAL} Each shows its default and its source; "loadwatch default" marks a '
        "product choice, not a study finding. Distances are in "
        f"{'kilometres' if shown_units is DistanceUnit.KM else 'miles'} (save the units first "
        "to see them in the other unit)."
    )
    values: dict[str, float] = {}
    before: dict[str, float] = {}
    units_of: dict[str, str] = {}
    chosen = current.thresholds.to_dict()
    for spec in services.threshold_specs():
        title = services.rule_title(spec.rule_id) if spec.rule_id != "plan" else "7-day plan"
        number, unit_text, fmt = _value_shown(spec.unit, chosen[spec.name], shown_units)
        default, _, _ = _value_shown(spec.unit, spec.default, shown_units)
        label = LABELS.get(spec.name, spec.name.replace("_", " ").capitalize())
        values[spec.name] = st.number_input(
            f"{label} ({unit_text})" if unit_text else label,
            value=float(number),
            min_value=0.0001,
            format=fmt,
            help=f"{title}. Default {default:g} {unit_text}. {spec.source}",
            key=f"settings_page.{spec.name}",
        )
        units_of[spec.name] = spec.unit
        before[spec.name] = float(number)
        st.caption(f"{title} · default {default:g} {unit_text} · {spec.source}")
    if st.form_submit_button("Save", type="primary"):
        try:
            services.update_settings(
                engine,
                athlete,
                units=units,
                week_start=week_start,
                home_tz=home_tz,
                thresholds={  # only what was changed: a km value shown in miles stays exact
                    name: _value_stored(units_of[name], shown, shown_units)
                    for name, shown in values.items()
                    if shown != before[name]
                },
                actor=actor,
            )
        except (InputError, NotAllowedError) as exc:
            st.error(markdown_text(exc))
        else:
            st.success("Saved.")
