"""The dashboard's entry script: Streamlit runs it on every page load (`lead-scoring dashboard`
starts it). It lists the pages and runs the one asked for; each page opens its own read-only view
of the published warehouse (warehouse.py)."""

import streamlit as st

from lead_scoring.dashboard.pages import PAGES

st.set_page_config(page_title="Lead scoring", page_icon=":material/leaderboard:", layout="wide")
navigation = st.navigation(
    [st.Page(page.show, title=page.TITLE, url_path=page.URL_PATH, icon=page.ICON) for page in PAGES]
)
navigation.run()
