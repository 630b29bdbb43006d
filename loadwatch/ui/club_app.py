"""The club dashboard as an `st.App` (Streamlit's supported way to add middleware): app.py's
pages behind `guard.ClubGuard` (issue #21). `loadwatch dashboard --club` runs
`streamlit run` on this file; Streamlit finds `app` and serves it with uvicorn."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from loadwatch.ui.guard import ClubGuard

APP_SCRIPT = Path(__file__).resolve().parents[2] / "app.py"

app = st.App(str(APP_SCRIPT), middleware=[Middleware(ClubGuard)])
