"""What every page shares: its title and question, the build it shows (as_of and run id), and a
clear message in place of a section that cannot be shown: no warehouse yet, a mart an older build
lacks, a mart with no rows. A page never shows a traceback for any of these."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import duckdb
import streamlit as st

from lead_scoring.dashboard.warehouse import (
    MartMissing,
    Warehouse,
    WarehouseUnavailable,
    open_warehouse,
    published_warehouse_path,
)
from lead_scoring.locations import ProjectNotFound

PageBody = Callable[[Warehouse], None]


def show_page(title: str, question: str, body: PageBody) -> None:
    """Render one page: its heading, the build line, then `body` over a fresh read-only view of
    the published warehouse (closed when the page has rendered)."""
    st.title(title)
    st.caption(question)
    try:
        path = published_warehouse_path()
        with open_warehouse(path) as warehouse:
            st.markdown(build_line(warehouse))
            section(warehouse, body)
    except (WarehouseUnavailable, ProjectNotFound) as error:
        st.warning(str(error), icon=":material/database:")


def section(warehouse: Warehouse, body: PageBody) -> None:
    """Render one part of a page; a mart the build lacks or a query the file cannot answer
    becomes a message in its place, and the rest of the page still renders."""
    try:
        body(warehouse)
    except MartMissing as error:
        missing(error.mart, error.column)
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0]
        st.error(
            f"This part of the page could not be read from {warehouse.path}: {first_line}. "
            "Rebuild the warehouse with `lead-scoring run` and reload; if it persists, the "
            "file is damaged.",
            icon=":material/error:",
        )


def build_line(warehouse: Warehouse) -> str:
    """'As of ... · build ... · built ...': which build the page shows."""
    info = warehouse.build_info
    if info is None:
        return (
            f"**{warehouse.path}** has no build stamp (`ops.build_info`): it was not published "
            "by `lead-scoring run`, so its as_of is unknown."
        )
    parts = [
        f"As of **{timestamp_text(info.get('as_of'))} UTC**",
        f"build `{info.get('run_id')}`",
        f"built {timestamp_text(info.get('built_at'))} UTC",
    ]
    if warehouse.emails_are_hashed:
        parts.append("emails hashed (`--hash-pii`)")
    return " · ".join(parts)


def as_of(warehouse: Warehouse) -> datetime | None:
    """The moment the build was computed for: its stamp, else the latest scored instant (every
    lead is scored at as_of)."""
    if warehouse.build_info and warehouse.build_info.get("as_of"):
        return warehouse.build_info["as_of"]
    if warehouse.has_mart("fct_lead_score_history"):
        return warehouse.value("select max(scored_at) from marts.fct_lead_score_history")
    return None


def missing(mart: str, column: str | None = None) -> None:
    """Say that this build lacks a mart (or a mart's column), and how to get it."""
    st.info(str(MartMissing(mart, column)), icon=":material/update:")


def empty_mart(mart: str, meaning: str) -> None:
    """Say that a mart has no rows, and what that means."""
    st.info(f"marts.{mart} has no rows in this build: {meaning}", icon=":material/inbox:")


def timestamp_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return "unknown" if value is None else str(value)


def count_text(value: Any) -> str:
    """1,847; '-' when there is no value."""
    if value is None:
        return "-"
    return f"{int(value):,}"


def rate_text(value: Any) -> str:
    """24.3 %; '-' when the rate is undefined (no denominator)."""
    if value is None or value != value:  # NaN from a division by zero in pandas
        return "-"
    return f"{float(value):.1%}"


def score_text(value: Any) -> str:
    """A score as analysts read it: one decimal, '-' when missing."""
    if value is None or value != value:
        return "-"
    return f"{float(value):,.1f}"


def ratio(numerator: Any, denominator: Any) -> float | None:
    """numerator / denominator; None when the denominator is 0 or missing (a rate of nothing)."""
    if not denominator:
        return None
    return float(numerator or 0) / float(denominator)
