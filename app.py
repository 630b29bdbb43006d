"""Streamlit entry point: page config and navigation only."""

import streamlit as st

from loadwatch.ui.navigation import run

st.set_page_config(page_title="loadwatch", page_icon=":material/directions_run:", layout="wide")
run()  # the page from the URL; in club mode only after a login (issue #11)
