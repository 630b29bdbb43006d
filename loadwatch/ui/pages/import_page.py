"""Import: drag in watch files or an export archive; a progress bar, then one row per file in
the athlete's units and local time, and each reason a file was not imported said once
(issue #12)."""

from __future__ import annotations

import ctypes
import gc
import os
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from loadwatch import services
from loadwatch.domain import ImportResult, ImportStatus
from loadwatch.errors import InputError, NotAllowedError
from loadwatch.ui.state import ATHLETE_KEY, current_actor, get_engine, today
from loadwatch.ui.text import markdown_text
from loadwatch.units import count_noun, format_distance

RESULT_LABEL = {
    ImportStatus.IMPORTED: "✅ imported",
    ImportStatus.MERGED: "🔗 merged into a run already here",
    ImportStatus.DUPLICATE: "🔁 already imported",
    ImportStatus.REJECTED: "❌ not imported",
}
MB = 1024 * 1024


def _size(n_bytes: float) -> str:
    return f"{n_bytes / 1024**3:g} GB" if n_bytes >= 1024**3 else f"{n_bytes / MB:g} MB"


engine = get_engine()
actor = current_actor()
st.title("Import")
limits = services.import_limits()
upload_mb = int(st.get_option("server.maxUploadSize"))
# All of one request's files are held at once (issue #11): `loadwatch dashboard` sets this.
request_mb = int(os.environ.get("LOADWATCH_MAX_REQUEST_MB", str(2 * upload_mb)))
st.write("FIT, GPX and TCX files, `.gz` files, and the zip exports of Garmin Connect and Strava.")
st.caption(
    f"Limits: {upload_mb:,} MB per file and {request_mb:,} MB per import here (the command "
    "line `loadwatch import` has neither); "
    f"one activity file up to {_size(limits.max_file_bytes)}; an archive may expand to "
    f"{_size(limits.max_expanded_bytes)} in all, {limits.max_members:,} entries, "
    f"{limits.max_depth} zips deep."
)
known = [a.name for a in services.list_athletes(engine, actor=actor)]
current = st.session_state.get(ATHLETE_KEY)
athlete = st.selectbox(
    "Whose runs?",
    [*known, "New athlete..."] if actor.role in (None, services.Role.ADMIN) else known,
    index=known.index(current) if current in known else 0,
    key="import_page.athlete",
)
if athlete == "New athlete..." or not known:
    athlete = st.text_input(
        "Athlete name",
        value="" if known else services.DEFAULT_ATHLETE,
        key="import_page.new_athlete",
    ).strip()
ROUND_KEY = "import_page.upload_round"  # a new uploader after each import (issue #23)
LAST_KEY = "import_page.last_import"  # (athlete, results) shown after the rerun
uploads = st.file_uploader(
    "Drop files here",
    type=["fit", "gpx", "tcx", "gz", "zip"],
    accept_multiple_files=True,
    key=f"import_page.files.{st.session_state.get(ROUND_KEY, 0)}",
)


def _release(files: list[UploadedFile]) -> None:
    """Give the uploaded bytes back (issue #23: ten uploads left the server 400 MB larger).

    Streamlit keeps an upload's bytes until the browser deletes the file or the session ends,
    whatever the page does; after an import they are dropped here, the uploader gets a new key
    (an empty one comes back), and freed memory is handed back to the system."""
    ctx = get_script_run_ctx()
    # The in-memory manager Streamlit's server uses has `remove_file` (the browser's DELETE
    # calls it); its abstract base does not declare it.
    remove = getattr(ctx.uploaded_file_mgr, "remove_file", None) if ctx is not None else None
    if ctx is not None and callable(remove):
        for file in files:
            remove(ctx.session_id, file.file_id)
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    files.clear()
    gc.collect()
    _trim_heap()


def _trim_heap() -> None:
    """glibc keeps freed memory in its arenas; `malloc_trim(0)` returns it to the system."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, musl): the allocator returns memory its own way
        return
    libc.malloc_trim(0)


def _local_offsets() -> dict[int, int]:
    names = {a.name for a in services.list_athletes(engine, actor=actor)}
    if athlete not in names:
        return {}
    return {r.id: r.utc_offset_s for r in services.list_activities(engine, athlete, actor=actor)}


def _latest_local_day(results: list[ImportResult]) -> date | None:
    """The local day of the latest activity this import added or merged, if any."""
    offsets = _local_offsets()
    days = [
        services.local_day(r.started_at, offsets.get(r.activity_id, 0))
        for r in results
        if r.started_at is not None
        and r.activity_id is not None
        and r.status in (ImportStatus.IMPORTED, ImportStatus.MERGED)
    ]
    return max(days) if days else None


def _table(results: list[ImportResult]) -> pd.DataFrame:
    """One row per file: when (local time), sport and distance in the athlete's units."""
    names = {a.name for a in services.list_athletes(engine, actor=actor)}
    units = (
        services.athlete_settings(engine, athlete, actor=actor).units if athlete in names else None
    )
    offsets = (
        {r.id: r.utc_offset_s for r in services.list_activities(engine, athlete, actor=actor)}
        if athlete in names
        else {}
    )

    def when(r: ImportResult) -> str:
        if r.started_at is None:
            return ""
        offset = offsets.get(r.activity_id) if r.activity_id is not None else None
        if offset is None:
            return f"{r.started_at:%a %d %b %Y %H:%M} UTC"
        return f"{r.started_at + timedelta(seconds=offset):%a %d %b %Y %H:%M}"

    return pd.DataFrame(
        {
            "file": [r.filename for r in results],
            "result": [RESULT_LABEL[r.status] for r in results],
            "when (local time)": [when(r) for r in results],
            "sport": [r.sport.value if r.sport else "" for r in results],
            "distance": [
                format_distance(r.distance_m, units, 2)
                if r.distance_m is not None and units is not None
                else ""
                for r in results
            ],
        }
    )


if st.button("Import", type="primary", disabled=not uploads or not athlete, key="import_page.go"):
    total_mb = sum(f.size for f in uploads or []) / MB
    if total_mb > request_mb:  # one request's files are all in the server's memory at once
        st.error(
            f"These files come to {total_mb:,.0f} MB; one import here takes up to {request_mb:,} "
            "MB. Import them in parts, or with `loadwatch import` at the server."
        )
        st.stop()
    st.session_state.pop(LAST_KEY, None)
    n_files = len(uploads or [])
    # A generator: each upload's bytes are copied out of Streamlit's buffer only while that
    # file is read, not all at once (issue #13's memory bound).
    files = ((f.name, f.getvalue()) for f in uploads or [])
    bar = st.progress(0.0, text="Importing...")
    done: list[ImportResult] = []

    def on_result(result: ImportResult) -> None:
        done.append(result)
        bar.progress(
            min(len(done) / max(n_files, 1), 1.0), text=f"{count_noun(len(done), 'file')} handled"
        )

    try:
        results = services.import_uploads(
            engine, files, athlete=athlete, progress=on_result, today=today(), actor=actor
        )
    except (InputError, NotAllowedError) as exc:
        bar.empty()
        st.error(markdown_text(exc))
        st.stop()  # the files stay in the uploader, to try again
    del files
    _release(uploads or [])
    st.session_state[LAST_KEY] = (athlete, results)
    del results, done
    st.rerun()  # the new, empty uploader; the results below

last = st.session_state.get(LAST_KEY)
if last is not None:
    athlete, results = last
    counts = services.count_summary(results)
    summary = ", ".join(f"{counts[s]} {s.value}" for s in ImportStatus if counts[s]) or "no files"
    table = _table(results)
    if counts[ImportStatus.IMPORTED] or counts[ImportStatus.MERGED]:
        st.success(markdown_text(f"{athlete}: {summary}."))
        st.session_state[ATHLETE_KEY] = athlete
    elif counts[ImportStatus.DUPLICATE] and not counts[ImportStatus.REJECTED]:
        st.info(markdown_text(f"Nothing new: {summary}."))
    else:
        st.error(markdown_text(f"Nothing could be imported: {summary}."))
    st.space("small")  # room for the table's toolbar: on a phone it sat on the text above (#24)
    st.dataframe(table, hide_index=True, key="import_page.results")
    notes = [r for r in results if r.message]
    if notes:  # each note once, wrapped: a table cell would cut a long message off
        st.markdown("**Notes on some files**")
        for r in notes:
            show = st.error if r.status is ImportStatus.REJECTED else st.info
            show(f"{RESULT_LABEL[r.status]}: {markdown_text(r.message)}")
    latest = _latest_local_day(results)
    if latest is not None:  # issue #24: old files land in their own weeks, not in this one
        st.markdown(f"**Where the new activities are**: the latest is on {latest:%a %d %b %Y}.")
        week, month = st.columns(2)
        week.page_link(
            "loadwatch/ui/pages/this_week_page.py",
            label=f"Open the week of {latest:%d %b %Y}",
            icon=":material/monitoring:",
            query_params={"as_of": latest.isoformat(), "athlete": athlete},
        )
        month.page_link(
            "loadwatch/ui/pages/calendar_page.py",
            label=f"Open {latest:%B %Y} in the calendar",
            icon=":material/calendar_month:",
            query_params={"month": f"{latest:%Y-%m}", "athlete": athlete},
        )
