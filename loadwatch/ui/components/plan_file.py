"""The plan as a calendar file (issue #25): one download button under the 7-day plan."""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from loadwatch import services
from loadwatch.domain import PlanDay
from loadwatch.units import DistanceUnit


def download(athlete: str, plan: Sequence[PlanDay], units: DistanceUnit) -> None:
    """A download button for the plan as an .ics file; re-importing it into a calendar app
    updates the days instead of adding copies (a stable UID per planned day)."""
    if not plan:
        return
    data = services.plan_ical(athlete, plan, units)
    slug = re.sub(r"[^a-z0-9]+", "-", athlete.casefold()).strip("-") or "athlete"
    st.download_button(
        "Add the plan to my calendar (.ics)",
        data,
        file_name=f"loadwatch-plan-{slug}.ics",
        mime="text/calendar",
        key="plan_file.download",
        icon=":material/calendar_add_on:",
    )
