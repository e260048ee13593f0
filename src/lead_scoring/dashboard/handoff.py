"""Hand-off: whom should sales call first, and why? rpt_mql_handoff's ranked list with priority,
score, waiting time against the SLA and the top reasons; filters, and the filtered list as CSV."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lead_scoring.dashboard.page_frame import as_of, count_text, missing, show_page
from lead_scoring.dashboard.warehouse import Warehouse

TITLE = "Hand-off"
URL_PATH = "handoff"
ICON = ":material/call:"
QUESTION = "Whom should sales call first, and why?"

# the columns every build's hand-off list has, and the speed-to-lead ones newer builds add
COLUMNS = [
    "handoff_rank",
    "priority",
    "total_score",
    "email",
    "lead_id",
    "lead_source",
    "mql_at",
    "top_reasons",
]
WAITING = ["hours_waiting", "is_overdue"]
# the list shows this many rows; the CSV has every row that passes the filters
SHOWN_ROWS = 1000


def show() -> None:
    show_page(TITLE, QUESTION, body)


def body(warehouse: Warehouse) -> None:
    warehouse.require("rpt_mql_handoff", *COLUMNS)
    has_waiting = warehouse.has_mart("rpt_mql_handoff", *WAITING)
    # waiting time beside the score, where sales looks first
    columns = COLUMNS[:3] + (WAITING if has_waiting else []) + COLUMNS[3:]
    handoff = warehouse.frame(
        f"select {', '.join(columns)} from marts.rpt_mql_handoff order by handoff_rank"
    )
    if handoff.empty:
        st.info("marts.rpt_mql_handoff has no rows: no lead is an open MQL at as_of.")
        return
    if not has_waiting:
        missing("rpt_mql_handoff", "hours_waiting")
    chosen = filtered(handoff, has_waiting)
    metrics = st.columns(3)
    metrics[0].metric("Open MQLs", count_text(len(handoff)))
    metrics[1].metric("Shown (after filters)", count_text(len(chosen)))
    if has_waiting:
        metrics[2].metric("Overdue", count_text(int(handoff["is_overdue"].sum())))
    if warehouse.emails_are_hashed:
        st.caption("Emails are sha256 hashes of the lower-cased address (a --hash-pii build).")
    if len(chosen) > SHOWN_ROWS:
        st.caption(f"The first {SHOWN_ROWS:,} of {len(chosen):,} are listed; the CSV has all.")
    st.dataframe(
        chosen.head(SHOWN_ROWS),
        hide_index=True,
        column_config=column_config(),
    )
    moment = as_of(warehouse)
    stamp = pd.Timestamp(moment).strftime("%Y%m%dT%H%M%S") if moment else "unknown"
    st.download_button(
        "Download the list as CSV",
        data=csv_of(chosen),
        file_name=f"mql_handoff_as_of_{stamp}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )


def filtered(handoff: pd.DataFrame, has_waiting: bool) -> pd.DataFrame:
    """The rows that pass the filters the page offers."""
    left, middle, right = st.columns([2, 2, 1])
    priorities = sorted(handoff["priority"].dropna().unique())
    chosen_priorities = left.multiselect("Priority", priorities, key="handoff_priorities")
    sources = sorted(handoff["lead_source"].dropna().unique())
    chosen_sources = middle.multiselect("Lead source", sources, key="handoff_sources")
    overdue_only = right.toggle("Overdue only", disabled=not has_waiting, key="handoff_overdue")
    keep = pd.Series(True, index=handoff.index)
    if chosen_priorities:
        keep &= handoff["priority"].isin(chosen_priorities)
    if chosen_sources:
        keep &= handoff["lead_source"].isin(chosen_sources)
    if overdue_only and has_waiting:
        keep &= handoff["is_overdue"]
    return handoff[keep]


def column_config() -> dict[str, object]:
    return {
        "handoff_rank": st.column_config.NumberColumn("rank", format="%d"),
        "total_score": st.column_config.NumberColumn("score", format="%.1f"),
        "mql_at": st.column_config.DatetimeColumn("MQL at (UTC)", format="YYYY-MM-DD HH:mm"),
        "hours_waiting": st.column_config.NumberColumn("hours waiting", format="%.1f"),
        "is_overdue": st.column_config.CheckboxColumn("overdue"),
        "top_reasons": st.column_config.TextColumn("top reasons", width="large"),
    }


def csv_of(rows: pd.DataFrame) -> Callable[[], bytes]:
    """The rows as CSV, made only when someone downloads them."""
    return lambda: handoff_csv(rows)


def handoff_csv(rows: pd.DataFrame) -> bytes:
    """The hand-off rows as UTF-8 CSV with a header row, timestamps in ISO 8601."""
    return rows.to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S").encode()
