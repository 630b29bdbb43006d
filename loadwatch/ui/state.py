"""Cached resources and session-state helpers; the only place the app opens the database."""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy import Engine

from loadwatch import services


@st.cache_resource(show_spinner=False)
def _engine_for(url: str | None) -> Engine:
    return services.open_database(url)


def get_engine() -> Engine:
    """The engine for $LOADWATCH_DB_URL (or the default SQLite file), migrated on first use."""
    return _engine_for(os.environ.get("LOADWATCH_DB_URL"))
