"""Data quality & runs: what dirt did the build drop, flag or ignore, and how did the last runs
go? rpt_data_quality, and the run records that `lead-scoring history` lists."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring import run_records
from lead_scoring.dashboard.page_frame import count_text, section, show_page
from lead_scoring.dashboard.warehouse import Warehouse
from lead_scoring.history import history_row
from lead_scoring.publishing import Layout

TITLE = "Data quality & runs"
URL_PATH = "quality"
ICON = ":material/fact_check:"
QUESTION = "What dirt did the build drop, flag or ignore, and how did the last runs go?"

QUALITY_COLUMNS = ["source_table", "issue", "action", "row_count", "description"]
ACTIONS = ["dropped", "flagged", "ignored"]
SHOWN_RUNS = 20


def show() -> None:
    show_page(TITLE, QUESTION, body)


def body(warehouse: Warehouse) -> None:
    section(warehouse, data_quality)
    section(warehouse, last_runs)


def data_quality(warehouse: Warehouse) -> None:
    """rpt_data_quality: rows per raw table, issue and action."""
    st.subheader("Dirty raw rows")
    warehouse.require("rpt_data_quality", *QUALITY_COLUMNS)
    quality = warehouse.frame(
        f"select {', '.join(QUALITY_COLUMNS)} from marts.rpt_data_quality "
        "order by source_table, action, issue"
    )
    if quality.empty:
        st.success("No dirty raw row: nothing was dropped, flagged or ignored.")
        return
    by_action = quality.groupby("action")["row_count"].sum()
    columns = st.columns(len(ACTIONS))
    for column, action in zip(columns, ACTIONS, strict=True):
        column.metric(f"Rows {action}", count_text(by_action.get(action, 0)))
    chart = (
        alt.Chart(quality)
        .mark_bar()
        .encode(
            y=alt.Y("source_table:N", title=None),
            x=alt.X("sum(row_count):Q", title="rows"),
            color=alt.Color("action:N", sort=ACTIONS),
            tooltip=["source_table", "issue", "action", "row_count", "description"],
        )
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(quality, hide_index=True)


def last_runs(warehouse: Warehouse) -> None:
    """The last runs, newest first, as `lead-scoring history` shows them."""
    st.subheader("Last runs")
    records = run_records.load_records(Layout(warehouse.path).runs)
    if not records:
        st.info(f"No run records in {Layout(warehouse.path).runs}.")
        return
    published = str(warehouse.build_info["run_id"]) if warehouse.build_info else None
    rows = [history_row(record, published) for record in reversed(records[-SHOWN_RUNS:])]
    newest = rows[0]
    columns = st.columns(3)
    columns[0].metric("Last run", newest["outcome"] or "-")
    columns[1].metric("Started (UTC)", newest["started (UTC)"] or "-")
    columns[2].metric("Took", newest["took"] or "-")
    table = pd.DataFrame(rows).rename(columns={"": "published"})
    table["published"] = table["published"] == "*"
    st.dataframe(table, hide_index=True)
    st.caption(f"From the run records in {Layout(warehouse.path).runs} (`lead-scoring history`).")
