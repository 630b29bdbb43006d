"""Helpers to drive app.py with streamlit.testing's AppTest."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGES = ("this_week", "pain", "import", "activities", "calendar", "shoes", "squad", "settings")


def open_page(page: str, athlete: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if athlete is not None:
        at.session_state["athlete_picker.selected"] = athlete
    at.run()
    if page != "this_week":
        at.switch_page(f"loadwatch/ui/pages/{page}_page.py")
        at.run()
    return at


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.error, *at.warning, *at.info, *at.success)]
    parts += [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)
