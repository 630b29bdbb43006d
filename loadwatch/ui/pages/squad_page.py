"""Squad (coach): one row per athlete, riskiest first; click a row to open that athlete's week."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loadwatch import services
from loadwatch.ui.state import get_engine, open_athlete, today

SEVERITY_BADGE = {"warning": "warning", "caution": "caution", "info": "info", None: "ok"}
PAIN_BADGE = {"red": "red", "amber": "amber", "green": "green", None: "-"}

st.title("Squad")
coaches = services.list_coaches(get_engine())
coach = st.sidebar.selectbox("Coach", coaches, key="squad_page.coach") if coaches else None
rows = services.squad_overview(get_engine(), today=today(), coach=coach)
if not rows:
    st.info(
        "No athletes yet: import your runners' files on the Import page (one athlete per "
        "import), then add them to your squad with `loadwatch squad add COACH ATHLETE...`."
    )
    st.stop()

flags = sorted({f for r in rows for f in r.flags})
left, right = st.columns([2, 1])
wanted = left.multiselect("Only athletes flagged for", flags, key="squad_page.flags")
attention_only = right.toggle("Needs attention only", key="squad_page.attention")
shown = [
    r
    for r in rows
    if (not wanted or set(wanted) & set(r.flags))
    and (not attention_only or r.top_severity in ("warning", "caution"))
]
needing = sum(r.top_severity in ("warning", "caution") for r in rows)
st.caption(
    f"{len(rows)} athletes · {needing} need attention today · "
    "sorted by risk (pain first, then warnings)"
)

table = pd.DataFrame(
    {
        "athlete": [r.athlete for r in shown],
        "status": [SEVERITY_BADGE[r.top_severity] for r in shown],
        "this week (km)": [round(r.this_week_m / 1000, 1) for r in shown],
        "growth (to date)": [
            None if r.growth_ratio is None else f"{r.growth_ratio:+.0%}" for r in shown
        ],
        "largest spike": [
            None if r.largest_spike_ratio is None else f"{r.largest_spike_ratio:.2f}x"
            for r in shown
        ],
        "pain": [PAIN_BADGE[r.pain_zone] for r in shown],
        "shoes": [r.shoe_status or "-" for r in shown],
        "flags": [", ".join(r.flags) for r in shown],
        "last run": [r.last_run_date.isoformat() if r.last_run_date else "-" for r in shown],
    }
)
event = st.dataframe(
    table, hide_index=True, on_select="rerun", selection_mode="single-row", key="squad_page.table"
)
selected_rows = event.selection.rows if event is not None else []
names = [r.athlete for r in shown]
choice = st.selectbox("Open an athlete's week", names, key="squad_page.open_choice")
if selected_rows:
    open_athlete(names[selected_rows[0]])
    st.switch_page("loadwatch/ui/pages/overview_page.py")
if st.button("Open", type="primary", key="squad_page.open") and choice:
    open_athlete(choice)
    st.switch_page("loadwatch/ui/pages/overview_page.py")
