"""The 7-day plan as a row of small day cards."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from loadwatch.domain import PlanDay, PlanKind
from loadwatch.units import DistanceUnit, format_distance

_ICON = {
    PlanKind.RUN: ":material/directions_run:",
    PlanKind.CROSS_TRAINING: ":material/pool:",
    PlanKind.STRENGTH: ":material/fitness_center:",
    PlanKind.REST: ":material/bedtime:",
}


def show(plan: Sequence[PlanDay], units: DistanceUnit) -> None:
    columns = st.columns(len(plan))
    for column, day in zip(columns, plan, strict=True):
        with column.container(border=True):
            st.markdown(f"**{day.date:%a}** {day.date:%d %b}")
            label = day.kind.value.replace("-", " ")
            st.markdown(f"{_ICON[day.kind]} {label}{' (done)' if day.done else ''}")
            if day.max_distance_m:
                st.caption(f"max {format_distance(day.max_distance_m, units)}")
            if day.sport and day.kind is PlanKind.CROSS_TRAINING:
                st.caption(day.sport)
            if day.caused_by:
                st.caption(f"because of: {day.caused_by}")
    with st.expander("Why these days?"):
        for day in plan:
            st.markdown(f"- **{day.date:%a %d %b}**: {day.kind.value}: {day.reason}")
        st.caption(
            "Cross-training days are product defaults, not a prescription: no trial sets a number "
            "of days."
        )
