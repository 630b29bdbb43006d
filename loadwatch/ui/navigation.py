"""The app's pages, in menu order."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def pages() -> list[st.Page]:
    return [
        st.Page(str(PAGES_DIR / "overview_page.py"), title="This week", icon="📈", default=True),
    ]
