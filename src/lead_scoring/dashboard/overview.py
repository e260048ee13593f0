"""Overview: how is the pipeline doing this morning? Leads, open MQLs, MQLs this month against
last month, the MQL->SQL rate of the complete cohorts (and, marked apart, of the incomplete ones)
and the MQLs sales has left waiting past the SLA."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.page_frame import (
    as_of,
    count_text,
    missing,
    rate_text,
    ratio,
    section,
    show_page,
)
from lead_scoring.dashboard.warehouse import Warehouse

TITLE = "Overview"
URL_PATH = "overview"
ICON = ":material/dashboard:"
QUESTION = "How is the pipeline doing? The numbers to read first, for the build on show."

MQLS_BY_MONTH_SQL = """
select
    count(*) filter (where mql_at >= date_trunc('month', ?::timestamp)) as this_month,
    count(*) filter (
        where mql_at >= date_trunc('month', ?::timestamp) - interval 1 month
        and mql_at < date_trunc('month', ?::timestamp)
    ) as last_month
from marts.fct_mqls
where mql_at <= ?::timestamp
"""

COHORT_RATES_SQL = """
select
    cohort_month,
    bool_and(is_cohort_complete) as is_cohort_complete,
    sum(mqls) as mqls,
    sum(sqls_within_window) as sqls_within_window,
    sum(sqls_within_window) / nullif(sum(mqls), 0) as mql_to_sql_rate
from marts.rpt_mql_conversion
group by cohort_month
order by cohort_month
"""


def show() -> None:
    show_page(TITLE, QUESTION, body)


def body(warehouse: Warehouse) -> None:
    section(warehouse, lead_metrics)
    section(warehouse, conversion_metrics)


def lead_metrics(warehouse: Warehouse) -> None:
    """Leads, open MQLs, MQLs this month and last, overdue MQLs."""
    warehouse.require("dim_leads", "current_stage")
    warehouse.require("fct_mqls", "mql_at")
    leads, open_mqls = warehouse.connection.execute(
        "select count(*), count(*) filter (where current_stage = 'mql') from marts.dim_leads"
    ).fetchone()
    moment = as_of(warehouse)
    this_month, last_month = warehouse.connection.execute(
        MQLS_BY_MONTH_SQL, [moment] * 4
    ).fetchone()
    this_label, last_label = month_labels(moment)
    columns = st.columns(5)
    columns[0].metric("Leads", count_text(leads))
    columns[1].metric("Open MQLs", count_text(open_mqls), help="Leads in the stage mql at as_of")
    columns[2].metric(
        f"MQLs in {this_label}",
        count_text(this_month),
        delta=f"{this_month - last_month:+,} vs {last_label}",
        delta_color="off" if this_month == last_month else "normal",
        help="MQL entries (fct_mqls) from the first of as_of's month up to as_of",
    )
    columns[3].metric(f"MQLs in {last_label}", count_text(last_month))
    if warehouse.has_mart("rpt_mql_handoff", "is_overdue"):
        overdue = warehouse.value("select count(*) from marts.rpt_mql_handoff where is_overdue")
        columns[4].metric(
            "Overdue MQLs",
            count_text(overdue),
            help="Open MQLs waiting longer than the SLA (var mql_sla_hours)",
        )
    else:
        columns[4].metric("Overdue MQLs", "-")
        missing("rpt_mql_handoff", "is_overdue")


def month_labels(moment: object) -> tuple[str, str]:
    """('Nov 2026', 'Oct 2026') for an as_of in November 2026."""
    month = pd.Timestamp(moment).to_period("M")
    return month.strftime("%b %Y"), (month - 1).strftime("%b %Y")


def conversion_metrics(warehouse: Warehouse) -> None:
    """The MQL->SQL rate of the complete cohorts, the incomplete ones apart, and a chart."""
    warehouse.require("rpt_mql_conversion", "is_cohort_complete", "sqls_within_window")
    cohorts = warehouse.frame(COHORT_RATES_SQL)
    if cohorts.empty:
        st.info("No MQL cohorts yet: no lead has become an MQL by as_of.")
        return
    complete = cohorts[cohorts["is_cohort_complete"]]
    incomplete = cohorts[~cohorts["is_cohort_complete"]]
    columns = st.columns(2)
    columns[0].metric(
        "MQL→SQL rate, complete cohorts",
        rate_text(ratio(complete["sqls_within_window"].sum(), complete["mqls"].sum())),
        help="First MQLs whose conversion window has passed: the rate is final",
    )
    columns[1].metric(
        "MQL→SQL so far, incomplete cohorts",
        rate_text(ratio(incomplete["sqls_within_window"].sum(), incomplete["mqls"].sum())),
        help="Cohorts still inside the conversion window: the rate can still grow",
    )
    st.altair_chart(cohort_chart(cohorts), width="stretch")


def cohort_chart(cohorts: pd.DataFrame) -> alt.Chart:
    """The MQL->SQL rate per first-MQL month, incomplete cohorts in a lighter colour."""
    data = cohorts.assign(
        cohort=cohorts["is_cohort_complete"].map({True: "complete", False: "incomplete"})
    )
    return (
        alt.Chart(data, title="MQL→SQL rate by first-MQL month")
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(cohort_month):O", title="first-MQL month"),
            y=alt.Y("mql_to_sql_rate:Q", title="MQL→SQL rate", axis=alt.Axis(format="%")),
            color=alt.Color(
                "cohort:N",
                title="cohort",
                scale=alt.Scale(domain=["complete", "incomplete"], range=["#1f77b4", "#aec7e8"]),
            ),
            tooltip=[
                alt.Tooltip("yearmonth(cohort_month):O", title="month"),
                alt.Tooltip("mqls:Q", title="MQLs"),
                alt.Tooltip("sqls_within_window:Q", title="SQLs within window"),
                alt.Tooltip("mql_to_sql_rate:Q", title="rate", format=".1%"),
                alt.Tooltip("cohort:N"),
            ],
        )
    )
