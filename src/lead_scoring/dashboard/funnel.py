"""Funnel: how many leads reach each stage, and at what rates, by month and source? Counts from
rpt_lead_funnel (rates re-aggregated from them, never averaged), and the MQL and SQL entries per
month from rpt_stage_entries_monthly."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.page_frame import count_text, rate_text, ratio, section, show_page
from lead_scoring.dashboard.warehouse import Warehouse

TITLE = "Funnel"
URL_PATH = "funnel"
ICON = ":material/filter_alt:"
QUESTION = "How many leads reach each stage, and at what rates, by month and by source?"

# the funnel's stages in order, each with the rpt_lead_funnel count of leads that reached it
STAGES = {
    "lead": "leads",
    "mql": "mqls",
    "sql": "sqls",
    "opportunity": "opportunities",
    "customer": "customers",
}
# stage-to-stage rates: (name, numerator, denominator); MQL->SQL counts only real MQLs
RATES = [
    ("lead→MQL", "mqls", "leads"),
    ("MQL→SQL", "mqls_reaching_sql", "mqls"),
    ("SQL→opportunity", "opportunities", "sqls"),
    ("opportunity→customer", "customers", "opportunities"),
]
COUNTS = [*STAGES.values(), "mqls_reaching_sql"]

FUNNEL_SQL = f"""
select cohort_month, lead_source, {", ".join(COUNTS)}
from marts.rpt_lead_funnel
order by cohort_month, lead_source
"""

ENTRIES_SQL = """
select entry_month, stage, lead_source, entries
from marts.rpt_stage_entries_monthly
where stage in ('mql', 'sql')
"""


def show() -> None:
    show_page(TITLE, QUESTION, body)


def body(warehouse: Warehouse) -> None:
    warehouse.require("rpt_lead_funnel", *COUNTS)
    funnel = warehouse.frame(FUNNEL_SQL)
    if funnel.empty:
        st.info("marts.rpt_lead_funnel has no rows: no lead was created by as_of.")
        return
    sources = sorted(funnel["lead_source"].unique())
    chosen = st.multiselect("Lead sources", sources, default=sources, key="funnel_sources")
    funnel = funnel[funnel["lead_source"].isin(chosen)]
    totals = funnel[COUNTS].sum()
    stage_metrics(totals)
    left, right = st.columns(2)
    left.altair_chart(stage_chart(totals), width="stretch")
    by_month = with_rates(funnel.groupby("cohort_month", as_index=False)[COUNTS].sum())
    right.altair_chart(rate_chart(by_month), width="stretch")
    st.subheader("By lead-created month")
    st.dataframe(rate_table(by_month, "cohort_month"), hide_index=True)
    st.subheader("By source")
    by_source = with_rates(funnel.groupby("lead_source", as_index=False)[COUNTS].sum())
    st.dataframe(rate_table(by_source, "lead_source"), hide_index=True)
    section(warehouse, lambda warehouse: stage_entries(warehouse, chosen))


def stage_metrics(totals: pd.Series) -> None:
    """The count reaching each stage, and each stage-to-stage rate."""
    columns = st.columns(len(STAGES))
    for column, (stage, count) in zip(columns, STAGES.items(), strict=True):
        column.metric(f"{stage} ({count})", count_text(totals[count]))
    columns = st.columns(len(RATES))
    for column, (name, numerator, denominator) in zip(columns, RATES, strict=True):
        column.metric(name, rate_text(ratio(totals[numerator], totals[denominator])))


def with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts with each stage-to-stage rate re-aggregated from them."""
    rates = counts.copy()
    for name, numerator, denominator in RATES:
        rates[name] = counts[numerator] / counts[denominator].where(counts[denominator] > 0)
    return rates


def rate_table(rates: pd.DataFrame, key: str) -> pd.DataFrame:
    """The counts and rates as the page lists them, rates as percentages."""
    table = rates[[key, *COUNTS, *(name for name, _, _ in RATES)]].copy()
    if key == "cohort_month":
        table[key] = pd.to_datetime(table[key]).dt.strftime("%Y-%m")
    for name, _, _ in RATES:
        table[name] = table[name].map(rate_text)
    return table


def stage_chart(totals: pd.Series) -> alt.Chart:
    """Leads reaching each stage, as bars in the funnel's order."""
    data = pd.DataFrame({"stage": list(STAGES), "leads": [totals[c] for c in STAGES.values()]})
    return (
        alt.Chart(data, title="Leads reaching each stage")
        .mark_bar()
        .encode(
            y=alt.Y("stage:N", sort=list(STAGES), title=None),
            x=alt.X("leads:Q", title="leads"),
            tooltip=["stage", alt.Tooltip("leads:Q", format=",")],
        )
    )


def rate_chart(by_month: pd.DataFrame) -> alt.Chart:
    """The stage-to-stage rates per lead-created month."""
    names = [name for name, _, _ in RATES]
    data = by_month.melt(
        id_vars="cohort_month", value_vars=names, var_name="rate", value_name="value"
    )
    return (
        alt.Chart(data, title="Stage-to-stage rates by lead-created month")
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonth(cohort_month):T", title="lead-created month"),
            y=alt.Y("value:Q", title="rate", axis=alt.Axis(format="%")),
            color=alt.Color("rate:N", sort=names),
            tooltip=[
                alt.Tooltip("yearmonth(cohort_month):T", title="month"),
                "rate",
                alt.Tooltip("value:Q", format=".1%"),
            ],
        )
    )


def stage_entries(warehouse: Warehouse, sources: list[str]) -> None:
    """MQL and SQL entries per month (a lead entering again counts again)."""
    warehouse.require("rpt_stage_entries_monthly", "entry_month", "stage", "entries")
    st.subheader("MQL and SQL entries over time")
    entries = warehouse.frame(ENTRIES_SQL)
    entries = entries[entries["lead_source"].isin(sources)]
    if entries.empty:
        st.info("No MQL or SQL entries yet for these sources.")
        return
    monthly = entries.groupby(["entry_month", "stage"], as_index=False)["entries"].sum()
    chart = (
        alt.Chart(monthly)
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonth(entry_month):T", title="month"),
            y=alt.Y("entries:Q", title="entries"),
            color=alt.Color("stage:N", sort=["mql", "sql"]),
            tooltip=[alt.Tooltip("yearmonth(entry_month):T", title="month"), "stage", "entries"],
        )
    )
    st.altair_chart(chart, width="stretch")
