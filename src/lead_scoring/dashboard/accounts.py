"""Accounts & campaigns: which accounts to work, which campaigns bring MQLs, and who is in which
nurture track? dim_accounts by priority, rpt_campaign_attribution by month under each
attribution model, and rpt_nurture_audience's tracks and sizes."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.page_frame import count_text, score_text, section, show_page
from lead_scoring.dashboard.warehouse import Warehouse

TITLE = "Accounts & campaigns"
URL_PATH = "accounts"
ICON = ":material/domain:"
QUESTION = "Which accounts should sales work, which campaigns bring MQLs, who is in nurture?"

TOP_ACCOUNTS = 25
ACCOUNT_COLUMNS = [
    "account_id",
    "account_name",
    "industry",
    "employee_count",
    "account_priority",
    "account_fit_score",
    "account_engagement_score",
    "leads",
    "engaged_leads",
    "open_mqls",
    "leads_ever_sql",
    "most_advanced_stage",
    "latest_event_at",
]
TOP_ACCOUNTS_SQL = f"""
select {", ".join(ACCOUNT_COLUMNS)}
from marts.dim_accounts
order by
    account_fit_grade nulls last,
    account_engagement_band nulls last,
    account_engagement_score desc,
    account_id
limit {TOP_ACCOUNTS}
"""
# each attribution model: its column of MQLs in rpt_campaign_attribution, and its name
ATTRIBUTION_MODELS = {
    "first_touch_mqls": "first touch",
    "last_touch_mqls": "last touch",
    "linear_mqls": "linear",
    "mqls_touched": "touched (an MQL counts under every campaign it touched)",
}
NURTURE_COLUMNS = ["nurture_track", "fit_grade", "engagement_band", "points_to_mql"]
NURTURE_SQL = """
select
    nurture_track,
    count(*) as leads,
    median(points_to_mql) as median_points_to_mql,
    count(*) filter (where fit_grade = 'A') as grade_a_leads
from marts.rpt_nurture_audience
group by nurture_track
order by leads desc, nurture_track
"""


def show() -> None:
    show_page(TITLE, QUESTION, body)


def body(warehouse: Warehouse) -> None:
    section(warehouse, top_accounts)
    section(warehouse, campaign_attribution)
    section(warehouse, nurture_tracks)


def top_accounts(warehouse: Warehouse) -> None:
    """The accounts to work first: best fit grade, then most engaged."""
    st.subheader("Top accounts by priority")
    warehouse.require(
        "dim_accounts", *ACCOUNT_COLUMNS, "account_fit_grade", "account_engagement_band"
    )
    accounts, with_open_mqls = warehouse.connection.execute(
        "select count(*), count(*) filter (where open_mqls > 0) from marts.dim_accounts"
    ).fetchone()
    if not accounts:
        st.info("marts.dim_accounts has no rows: the accounts table is empty.")
        return
    columns = st.columns(2)
    columns[0].metric("Accounts", count_text(accounts))
    columns[1].metric("With open MQLs", count_text(with_open_mqls))
    st.dataframe(warehouse.frame(TOP_ACCOUNTS_SQL), hide_index=True)


def campaign_attribution(warehouse: Warehouse) -> None:
    """MQLs per campaign and month under the attribution model chosen."""
    st.subheader("Campaign attribution by month")
    warehouse.require("rpt_campaign_attribution", "mql_month", "campaign", *ATTRIBUTION_MODELS)
    attribution = warehouse.frame(
        f"select mql_month, campaign, {', '.join(ATTRIBUTION_MODELS)} "
        "from marts.rpt_campaign_attribution order by mql_month, campaign"
    )
    if attribution.empty:
        st.info("marts.rpt_campaign_attribution has no rows: no MQL yet.")
        return
    model = st.selectbox(
        "Attribution model",
        list(ATTRIBUTION_MODELS),
        format_func=ATTRIBUTION_MODELS.get,
        key="attribution_model",
    )
    # every MQL has exactly one first touch, '(none)' when no campaign touched it
    st.metric("MQLs attributed", count_text(attribution["first_touch_mqls"].sum()))
    chart = (
        alt.Chart(attribution, title=f"MQLs by campaign, {ATTRIBUTION_MODELS[model]}")
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(mql_month):O", title="MQL month"),
            y=alt.Y(f"{model}:Q", title="MQLs"),
            color=alt.Color("campaign:N"),
            tooltip=[
                alt.Tooltip("yearmonth(mql_month):O", title="month"),
                "campaign",
                alt.Tooltip(f"{model}:Q", title="MQLs", format=",.2f"),
            ],
        )
    )
    st.altair_chart(chart, width="stretch")
    totals = attribution_totals(attribution).sort_values(model, ascending=False)
    st.dataframe(totals, hide_index=True)


def nurture_tracks(warehouse: Warehouse) -> None:
    """The nurture tracks and how many leads each holds now."""
    st.subheader("Nurture tracks and audience sizes")
    warehouse.require("rpt_nurture_audience", *NURTURE_COLUMNS)
    tracks = warehouse.frame(NURTURE_SQL)
    if tracks.empty:
        st.info("marts.rpt_nurture_audience has no rows: no lead is in a nurture track.")
        return
    st.metric("Leads in nurture", count_text(tracks["leads"].sum()))
    left, right = st.columns(2)
    left.altair_chart(
        alt.Chart(tracks)
        .mark_bar()
        .encode(
            y=alt.Y("nurture_track:N", sort="-x", title=None),
            x=alt.X("leads:Q", title="leads"),
            tooltip=["nurture_track", "leads", "median_points_to_mql"],
        ),
        width="stretch",
    )
    right.dataframe(
        tracks.assign(median_points_to_mql=tracks["median_points_to_mql"].map(score_text)),
        hide_index=True,
    )


def attribution_totals(attribution: pd.DataFrame) -> pd.DataFrame:
    """MQLs per campaign under every model, over all months."""
    return attribution.groupby("campaign", as_index=False)[list(ATTRIBUTION_MODELS)].sum()
