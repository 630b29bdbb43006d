"""Streamlit entry point: page config and navigation only."""

import streamlit as st

from loadwatch.ui.navigation import pages

st.set_page_config(page_title="loadwatch", page_icon=":material/directions_run:", layout="wide")
st.navigation(pages()).run()
