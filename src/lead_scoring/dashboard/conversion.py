"""Conversion: which MQL cohorts convert to SQL, by source and by fit grade? rpt_mql_conversion's
cohort table as heat maps of the MQL->SQL rate (re-aggregated from the counts), cohorts still
inside the conversion window marked incomplete."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.page_frame import count_text, rate_text, ratio, show_page
from lead_scoring.dashboard.warehouse import Warehouse

TITLE = "Conversion"
URL_PATH = "conversion"
ICON = ":material/grid_on:"
QUESTION = "Which MQL cohorts convert to SQL within the window, by source and by fit grade?"

COLUMNS = ["cohort_month", "lead_source", "fit_grade", "mqls", "sqls_within_window"]
COHORTS_SQL = f"""
select {", ".join(COLUMNS)}, is_cohort_complete
from marts.rpt_mql_conversion
order by cohort_month, lead_source, fit_grade
"""
# the dimensions a heat map's rows can be, with their titles
DIMENSIONS = {"lead_source": "lead source", "fit_grade": "fit grade at MQL"}


def show() -> None:
    show_page(TITLE, QUESTION, body)


def body(warehouse: Warehouse) -> None:
    warehouse.require("rpt_mql_conversion", *COLUMNS, "is_cohort_complete")
    cohorts = warehouse.frame(COHORTS_SQL)
    if cohorts.empty:
        st.info("marts.rpt_mql_conversion has no rows: no lead has become an MQL by as_of.")
        return
    complete = cohorts[cohorts["is_cohort_complete"]]
    columns = st.columns(3)
    columns[0].metric("First MQLs", count_text(cohorts["mqls"].sum()))
    columns[1].metric(
        "MQL→SQL rate, complete cohorts",
        rate_text(ratio(complete["sqls_within_window"].sum(), complete["mqls"].sum())),
    )
    incomplete_months = cohorts.loc[~cohorts["is_cohort_complete"], "cohort_month"].nunique()
    columns[2].metric("Incomplete cohort months", count_text(incomplete_months))
    st.caption(
        "A cohort is complete when its month's end plus the conversion window has passed "
        "as_of; an incomplete cohort's rate (marked ◌ and paler) can still grow."
    )
    for dimension, title in DIMENSIONS.items():
        st.altair_chart(heat_map(cohort_rates(cohorts, dimension), dimension, title))
    st.subheader("The cohort table")
    table = cohorts.assign(
        cohort_month=pd.to_datetime(cohorts["cohort_month"]).dt.strftime("%Y-%m"),
        mql_to_sql_rate=(cohorts["sqls_within_window"] / cohorts["mqls"]).map(rate_text),
    )
    st.dataframe(table, hide_index=True)


def cohort_rates(cohorts: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Per cohort month and value of `dimension`: MQLs, SQLs within the window, the rate, and
    whether the month is complete."""
    grouped = cohorts.groupby(["cohort_month", dimension], as_index=False).agg(
        mqls=("mqls", "sum"),
        sqls_within_window=("sqls_within_window", "sum"),
        is_cohort_complete=("is_cohort_complete", "all"),
    )
    grouped["mql_to_sql_rate"] = grouped["sqls_within_window"] / grouped["mqls"]
    grouped["month"] = pd.to_datetime(grouped["cohort_month"]).dt.strftime("%Y-%m")
    grouped["label"] = [
        f"{rate:.0%}" + ("" if complete else " ◌")
        for rate, complete in zip(
            grouped["mql_to_sql_rate"], grouped["is_cohort_complete"], strict=True
        )
    ]
    grouped["cohort"] = grouped["is_cohort_complete"].map({True: "complete", False: "incomplete"})
    return grouped


def heat_map(rates: pd.DataFrame, dimension: str, title: str) -> alt.LayerChart:
    """Months across, the dimension down, the rate as colour and as text."""
    base = alt.Chart(rates, title=f"MQL→SQL rate by first-MQL month and {title}").encode(
        x=alt.X("month:O", title="first-MQL month"),
        y=alt.Y(f"{dimension}:N", title=title),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "mql_to_sql_rate:Q",
            title="MQL→SQL",
            scale=alt.Scale(scheme="blues", domain=[0, 1]),
            legend=alt.Legend(format="%"),
        ),
        opacity=alt.Opacity(
            "cohort:N",
            scale=alt.Scale(domain=["complete", "incomplete"], range=[1.0, 0.45]),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("month:O", title="first-MQL month"),
            alt.Tooltip(f"{dimension}:N", title=title),
            alt.Tooltip("mqls:Q", title="MQLs"),
            alt.Tooltip("sqls_within_window:Q", title="SQLs within window"),
            alt.Tooltip("mql_to_sql_rate:Q", title="rate", format=".1%"),
            alt.Tooltip("cohort:N"),
        ],
    )
    labels = base.mark_text(fontSize=10).encode(
        text="label:N",
        color=alt.condition("datum.mql_to_sql_rate > 0.5", alt.value("white"), alt.value("black")),
    )
    return (cells + labels).properties(width="container")
