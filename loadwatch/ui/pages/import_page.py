"""Import: drag in watch files or an export archive; a progress bar and a result per file."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loadwatch import services
from loadwatch.domain import ImportResult, ImportStatus
from loadwatch.ui.state import ATHLETE_KEY, get_engine, today

st.title("Import")
st.write("FIT, GPX and TCX files, `.gz` files, and the zip exports of Garmin Connect and Strava.")
known = [a.name for a in services.list_athletes(get_engine())]
current = st.session_state.get(ATHLETE_KEY)
athlete = st.selectbox(
    "Whose runs?",
    [*known, "New athlete..."],
    index=known.index(current) if current in known else 0,
    key="import_page.athlete",
)
if athlete == "New athlete..." or not known:
    athlete = st.text_input(
        "Athlete name",
        value="" if known else services.DEFAULT_ATHLETE,
        key="import_page.new_athlete",
    ).strip()
uploads = st.file_uploader(
    "Drop files here",
    type=["fit", "gpx", "tcx", "gz", "zip"],
    accept_multiple_files=True,
    key="import_page.files",
)
if st.button("Import", type="primary", disabled=not uploads or not athlete, key="import_page.go"):
    files = [(f.name, f.getvalue()) for f in uploads or []]
    bar = st.progress(0.0, text="Importing...")
    done: list[ImportResult] = []

    def on_result(result: ImportResult) -> None:
        done.append(result)
        bar.progress(min(len(done) / max(len(files), 1), 1.0), text=f"{len(done)} files handled")

    results = services.import_uploads(
        get_engine(), files, athlete=athlete, progress=on_result, today=today()
    )
    bar.progress(1.0, text="Done")
    counts = services.count_summary(results)
    summary = ", ".join(f"{counts[s]} {s.value}" for s in ImportStatus)
    if counts[ImportStatus.IMPORTED] or counts[ImportStatus.MERGED]:
        st.success(f"{athlete}: {summary}. The new runs are on the This week page.")
        st.session_state[ATHLETE_KEY] = athlete
    elif counts[ImportStatus.DUPLICATE] and not counts[ImportStatus.REJECTED]:
        st.info(f"Nothing new: {summary}.")
    else:
        st.error(f"Nothing could be imported: {summary}.")
    for result in results:
        if result.status is ImportStatus.REJECTED:
            st.error(result.message)
        elif result.status is ImportStatus.DUPLICATE:
            st.info(result.message)
    st.dataframe(
        pd.DataFrame(
            {
                "file": [r.filename for r in results],
                "result": [r.status.value for r in results],
                "detail": [
                    r.message
                    or f"{r.sport.value if r.sport else ''} {r.started_at:%Y-%m-%d %H:%M} UTC, "
                    f"{(r.distance_m or 0) / 1000:.2f} km"
                    if r.started_at
                    else r.message
                    for r in results
                ],
            }
        ),
        hide_index=True,
        key="import_page.results",
    )
    st.page_link(
        "loadwatch/ui/pages/overview_page.py", label="See this week", icon=":material/monitoring:"
    )
