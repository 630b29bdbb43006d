"""Warnings in order: severity picks st.error / st.warning / st.info; each cites its sources."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from loadwatch import services
from loadwatch.domain import Alert, Severity
from loadwatch.ui.text import markdown_text
from loadwatch.units import DistanceUnit, format_distance

_SHOW = {Severity.WARNING: st.error, Severity.CAUTION: st.warning, Severity.INFO: st.info}
_ICON = {
    Severity.WARNING: ":material/report:",
    Severity.CAUTION: ":material/warning:",
    Severity.INFO: ":material/info:",
}


def _number(name: str, value: float, units: DistanceUnit) -> str:
    """Display formatting only: metres in the runner's units, ratios as percentages."""
    if name.endswith("_m"):
        return format_distance(value, units)
    if name == "growth_ratio":
        return f"{value:+.0%}"
    if name.endswith("_ratio"):
        return f"{value:.2f}"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def show(alerts: Sequence[Alert], units: DistanceUnit = DistanceUnit.KM) -> None:
    if not alerts:
        st.success("No warnings: nothing in your recent load or pain log calls for a change.")
        return
    for alert in alerts:
        body = f"**{services.rule_title(alert.rule_id)}** · {markdown_text(alert.message)}"
        if alert.advice:
            body += "\n\n" + "\n".join(f"- {line}" for line in alert.advice)
        _SHOW[alert.severity](body, icon=_ICON[alert.severity])
        sources = "; ".join(
            f"[{c.text}]({c.url})" if c.url else c.text
            for c in (services.citation(key) for key in alert.citations)
        )
        numbers = ", ".join(
            f"{k.removesuffix('_m').replace('_', ' ')} {_number(k, v, units)}"
            for k, v in alert.evidence.items()
        )
        st.caption(f"Source: {sources}. Numbers: {numbers}.")
