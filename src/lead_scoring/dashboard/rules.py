"""Rules: are the rules and the threshold working? Each rule's lift and its current against its
suggested points (rpt_rule_performance), what each candidate threshold would have flagged
(rpt_threshold_backtest), how MQLs end (rpt_mql_outcomes), and the latest `lead-scoring compare`
of a proposed rule set."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.page_frame import (
    count_text,
    rate_text,
    ratio,
    score_text,
    section,
    show_page,
)
from lead_scoring.dashboard.warehouse import Warehouse, comparison_tables, latest_comparison

TITLE = "Rules"
URL_PATH = "rules"
ICON = ":material/rule:"
QUESTION = "Are the rules and the MQL threshold working, judged on the leads' own history?"

PERFORMANCE_COLUMNS = [
    "rule_type",
    "rule_id",
    "description",
    "current_points",
    "suggested_points",
    "lift",
    "conversion_rate_matched",
    "conversion_rate_unmatched",
    "leads_matched",
    "leads_unmatched",
    "is_disqualifying",
    "has_enough_data",
]
BACKTEST_COLUMNS = [
    "threshold",
    "is_current_threshold",
    "population_leads",
    "conversions",
    "flagged_leads",
    "flagged_before_conversion",
    "precision",
    "recall",
    "median_days_flag_to_conversion",
]
OUTCOME_COLUMNS = ["outcome", "reason", "mqls", "outcomes_within_sla"]


def show() -> None:
    show_page(TITLE, QUESTION, body)


def body(warehouse: Warehouse) -> None:
    section(warehouse, rule_performance)
    section(warehouse, threshold_backtest)
    section(warehouse, mql_outcomes)
    section(warehouse, latest_compare)


def rule_performance(warehouse: Warehouse) -> None:
    """Lift and suggested points per rule in force, with whether there is enough data."""
    st.subheader("Rule performance")
    warehouse.require("rpt_rule_performance", *PERFORMANCE_COLUMNS)
    rules = warehouse.frame(
        f"select {', '.join(PERFORMANCE_COLUMNS)} from marts.rpt_rule_performance "
        "order by rule_type, rule_id"
    )
    if rules.empty:
        st.info("marts.rpt_rule_performance has no rows: no rule is in force at as_of.")
        return
    enough = rules["has_enough_data"].fillna(False).astype(bool)
    moved = enough & (rules["suggested_points"] != rules["current_points"])
    columns = st.columns(3)
    columns[0].metric("Rules in force", count_text(len(rules)))
    columns[1].metric("With enough data to judge", count_text(int(enough.sum())))
    columns[2].metric("Whose suggested points differ", count_text(int(moved.sum())))
    st.altair_chart(points_chart(rules), width="stretch")
    st.dataframe(
        rules,
        hide_index=True,
        column_config={
            "lift": st.column_config.NumberColumn(format="%.2f"),
            "conversion_rate_matched": st.column_config.NumberColumn(
                "rate matched", format="percent"
            ),
            "conversion_rate_unmatched": st.column_config.NumberColumn(
                "rate unmatched", format="percent"
            ),
            "has_enough_data": st.column_config.CheckboxColumn("enough data"),
        },
    )


def points_chart(rules: pd.DataFrame) -> alt.LayerChart:
    """Current and suggested points per rule, joined by a line; rules without enough data
    paler."""
    data = rules.assign(
        rule=rules["rule_type"] + " · " + rules["rule_id"],
        data=rules["has_enough_data"].map({True: "enough data", False: "too few leads"}),
    )
    points = data.melt(
        id_vars=["rule", "data", "lift"],
        value_vars=["current_points", "suggested_points"],
        var_name="points",
        value_name="value",
    )
    # Every rule gets its whole name: by default Vega-Lite cuts long labels and drops every
    # other one where they crowd.
    y = alt.Y(
        "rule:N",
        title=None,
        sort=data["rule"].tolist(),
        axis=alt.Axis(labelLimit=0, labelOverlap=False),
    )
    opacity = alt.Opacity(
        "data:N", scale=alt.Scale(domain=["enough data", "too few leads"], range=[1.0, 0.35])
    )
    span = (
        alt.Chart(data)
        .mark_rule(color="#999999")
        .encode(y=y, x="current_points:Q", x2="suggested_points:Q", opacity=opacity)
    )
    dots = (
        alt.Chart(points, title="Current and suggested points per rule")
        .mark_circle(size=90)
        .encode(
            y=y,
            x=alt.X("value:Q", title="points"),
            color=alt.Color("points:N", title=None),
            opacity=opacity,
            tooltip=["rule", "points", "value", alt.Tooltip("lift:Q", format=".2f"), "data"],
        )
    )
    return alt.layer(span, dots).properties(height=max(200, 22 * len(data)))


def threshold_backtest(warehouse: Warehouse) -> None:
    """Precision, recall and volume against the candidate threshold, the current one marked."""
    st.subheader("Threshold backtest")
    warehouse.require("rpt_threshold_backtest", *BACKTEST_COLUMNS)
    backtest = warehouse.frame(
        f"select {', '.join(BACKTEST_COLUMNS)} from marts.rpt_threshold_backtest order by threshold"
    )
    if backtest.empty:
        st.info("marts.rpt_threshold_backtest has no rows: no candidate threshold.")
        return
    current = backtest[backtest["is_current_threshold"].fillna(False).astype(bool)]
    if not current.empty:
        row = current.iloc[0]
        columns = st.columns(4)
        columns[0].metric("Current threshold", score_text(row["threshold"]))
        columns[1].metric("Precision at it", rate_text(row["precision"]))
        columns[2].metric("Recall at it", rate_text(row["recall"]))
        columns[3].metric("Leads it flags", count_text(row["flagged_leads"]))
    rates, volume = backtest_charts(backtest)
    st.altair_chart(rates, width="stretch")
    st.altair_chart(volume, width="stretch")
    st.dataframe(backtest, hide_index=True)


def backtest_charts(backtest: pd.DataFrame) -> tuple[alt.LayerChart, alt.LayerChart]:
    """Precision and recall, and the leads flagged, against the threshold; the threshold in
    force dashed on both."""
    x = alt.X("threshold:Q", title="threshold (min_total_score)")
    current = backtest[backtest["is_current_threshold"].fillna(False).astype(bool)]
    marker = alt.Chart(current).mark_rule(color="#d62728", strokeDash=[6, 4]).encode(x=x)
    rates = backtest.melt(
        id_vars="threshold", value_vars=["precision", "recall"], var_name="measure"
    )
    lines = (
        alt.Chart(rates, title="Precision and recall by threshold (dashed: in force)")
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format="%")),
            color=alt.Color("measure:N", title=None),
            tooltip=["threshold", "measure", alt.Tooltip("value:Q", format=".1%")],
        )
    )
    volume = (
        alt.Chart(backtest, title="Leads flagged by threshold")
        .mark_line(point=True)
        .encode(x=x, y=alt.Y("flagged_leads:Q", title="flagged leads"), tooltip=BACKTEST_COLUMNS)
    )
    return (
        alt.layer(lines, marker).properties(height=240),
        alt.layer(volume, marker).properties(height=160),
    )


def mql_outcomes(warehouse: Warehouse) -> None:
    """How MQLs ended, and with which disposition reasons: sales' feedback on the scoring."""
    st.subheader("How MQLs end")
    warehouse.require("rpt_mql_outcomes", *OUTCOME_COLUMNS)
    outcomes = warehouse.frame(
        "select outcome, coalesce(reason, '(none)') as reason, sum(mqls) as mqls, "
        "sum(outcomes_within_sla) as outcomes_within_sla "
        "from marts.rpt_mql_outcomes group by all order by mqls desc"
    )
    if outcomes.empty:
        st.info("marts.rpt_mql_outcomes has no rows: no MQL yet.")
        return
    total = outcomes["mqls"].sum()
    within = outcomes["outcomes_within_sla"].sum()
    columns = st.columns(2)
    columns[0].metric("MQLs", count_text(total))
    columns[1].metric("Outcome within the SLA", rate_text(ratio(within, total)))
    chart = (
        alt.Chart(outcomes)
        .mark_bar()
        .encode(
            y=alt.Y("outcome:N", title=None),
            x=alt.X("mqls:Q", title="MQLs"),
            color=alt.Color("reason:N", title="disposition reason"),
            tooltip=["outcome", "reason", "mqls", "outcomes_within_sla"],
        )
    )
    st.altair_chart(chart, width="stretch")


def latest_compare(warehouse: Warehouse) -> None:
    """The newest `lead-scoring compare`: the two rule sets side by side, and what moved."""
    st.subheader("Latest comparison of a proposed rule set")
    comparison = latest_comparison(warehouse.path)
    if comparison is None:
        st.info(
            "No comparison yet: `lead-scoring compare --rules DIR` builds a proposed rule set "
            "aside and compares it with the rules in use; its result shows here."
        )
        return
    tables = comparison_tables(comparison)
    st.caption(f"Comparison {comparison.parent.parent.name}, in {comparison}")
    st.dataframe(tables["rule_set_summary"], hide_index=True)
    changes = tables["lead_changes"]
    columns = st.columns(2)
    columns[0].metric("Leads gained", count_text((changes["change"] == "gained").sum()))
    columns[1].metric("Leads lost", count_text((changes["change"] == "lost").sum()))
    left, right = st.columns(2)
    left.markdown("**The rules that moved them**")
    left.dataframe(tables["reason_changes"], hide_index=True)
    right.markdown("**Priority moves** (in use → proposed)")
    moves = tables["priority_moves"]
    right.dataframe(moves[moves["priority_in_use"] != moves["priority_proposed"]], hide_index=True)
