"""This week: the runner's log (placeholder until the risk engine lands)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loadwatch import services
from loadwatch.ui.state import get_engine

st.title("This week")
rows = services.list_activities(get_engine())
if not rows:
    st.info("No runs yet: import a .fit, .gpx or .tcx file with `loadwatch import`.")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "athlete": [r.athlete for r in rows],
                "sport": [r.sport.value for r in rows],
                "start (UTC)": [r.started_at for r in rows],
                "km": [round(r.distance_m / 1000, 2) for r in rows],
            }
        ),
        hide_index=True,
    )
st.caption("loadwatch informs; it is not medical advice.")
