"""Reach dashboard: the router. Page config, navigation, shared filters, then the page."""

import streamlit as st

from reach import webui

st.set_page_config(page_title="Reach", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", default=True),
    st.Page("pages/reach.py", title="Reach"),
    st.Page("pages/cascade.py", title="Cascade"),
    st.Page("pages/gender.py", title="Gender balance"),
    st.Page("pages/data.py", title="Data"),
    st.Page("pages/methodology.py", title="Methodology"),
]
page = st.navigation(pages)
st.session_state["filters"] = webui.sidebar()
page.run()
