"""Lead: why does this lead have its score, and how did it get here? Find a lead by id or email;
its score over time against the MQL threshold in force, its MQLs and stage entries marked; the
rules behind its score, which sum to the total; its lifecycle path."""

from __future__ import annotations

import hashlib
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.page_frame import missing, score_text, section, show_page
from lead_scoring.dashboard.warehouse import Warehouse

TITLE = "Lead"
URL_PATH = "lead"
ICON = ":material/person_search:"
QUESTION = "Why does this lead have its score, and how did it get here?"

# the query parameter that opens the page on a lead (…/lead?lead=L00000042)
LEAD_PARAMETER = "lead"
SHOWN_MATCHES = 50

LEAD_COLUMNS = [
    "lead_id",
    "email",
    "lead_source",
    "priority",
    "current_stage",
    "total_score",
    "fit_score",
    "engagement_score",
    "mql_count",
]
FIRST_LEAD_SQL = """
select lead_id from marts.rpt_mql_handoff order by handoff_rank limit 1
"""
BEST_LEAD_SQL = """
select lead_id from marts.dim_leads order by total_score desc, lead_id limit 1
"""
CONTRIBUTIONS_SQL = """
select rule_type, rule_id, rule_description, points, matched_event_count, last_event_at
from marts.fct_score_contributions
where lead_id = ?
order by points desc, rule_id
"""
TRANSITIONS_SQL = """
select transition_number, entered_at, previous_stage, stage, entry_trigger
from marts.fct_lifecycle_transitions
where lead_id = ?
order by transition_number
"""
MQLS_SQL = """
select mql_number, mql_at, mql_trigger, total_score_at_mql, outcome, outcome_at, days_to_outcome
from marts.fct_mqls
where lead_id = ?
order by mql_number
"""


def show() -> None:
    show_page(TITLE, QUESTION, body)


def body(warehouse: Warehouse) -> None:
    warehouse.require("dim_leads", *LEAD_COLUMNS)
    default = st.query_params.get(LEAD_PARAMETER, "")
    typed = st.text_input(
        "Lead id or email",
        value=default,
        key="lead_query",
        placeholder="e.g. L00000042 or jane@example.com",
    ).strip()
    lead_id = chosen_lead(warehouse, typed)
    if lead_id is None:
        return
    lead = warehouse.frame(
        f"select {', '.join(LEAD_COLUMNS)} from marts.dim_leads where lead_id = ?", [lead_id]
    ).iloc[0]
    headline(lead)
    section(warehouse, lambda warehouse: score_history(warehouse, lead_id))
    section(warehouse, lambda warehouse: contributions(warehouse, lead))
    section(warehouse, lambda warehouse: lifecycle(warehouse, lead_id))


def chosen_lead(warehouse: Warehouse, typed: str) -> str | None:
    """The lead to show: the one typed (by id or email), else the top of the hand-off list."""
    if not typed:
        lead_id = warehouse.value(FIRST_LEAD_SQL) if warehouse.has_mart("rpt_mql_handoff") else None
        lead_id = lead_id or warehouse.value(BEST_LEAD_SQL)
        if lead_id is None:
            st.info("marts.dim_leads has no rows: there is no lead to show.")
            return None
        st.caption(
            "Showing the top of the hand-off list (or the best-scored lead): type a lead id "
            "or email."
        )
        return str(lead_id)
    matches = warehouse.frame(
        "select lead_id, email, current_stage, total_score from marts.dim_leads "
        "where lead_id = ? or lower(email) = ? or email = ? order by lead_id limit ?",
        [typed, typed.lower(), hashed_email(typed), SHOWN_MATCHES],
    )
    if matches.empty:
        st.warning(f"No lead has the id or email {typed!r} in this build.")
        return None
    if len(matches) == 1:
        return str(matches["lead_id"].iloc[0])
    st.caption(f"{len(matches)} leads share that email: choose one.")
    return st.selectbox("Lead", matches["lead_id"].tolist(), key="lead_choice")


def hashed_email(typed: str) -> str:
    """The email as a --hash-pii build stores it (sha256 of the lower-cased address), so an
    analyst can find a lead there by the address they know."""
    return hashlib.sha256(typed.lower().encode()).hexdigest()


def headline(lead: pd.Series) -> None:
    st.subheader(f"{lead['lead_id']} · {lead['email']}")
    columns = st.columns(6)
    columns[0].metric("Total score", score_text(lead["total_score"]))
    columns[1].metric("Fit", score_text(lead["fit_score"]))
    columns[2].metric("Engagement", score_text(lead["engagement_score"]))
    columns[3].metric("Priority", str(lead["priority"]))
    columns[4].metric("Stage", str(lead["current_stage"]))
    columns[5].metric("MQLs", str(lead["mql_count"]))


def score_history(warehouse: Warehouse, lead_id: str) -> None:
    """The total score at each instant, the threshold in force, MQLs and stage entries."""
    warehouse.require("fct_lead_score_history", "scored_at", "total_score", "meets_mql_criteria")
    has_threshold = warehouse.has_mart("fct_lead_score_history", "min_total_score")
    threshold = "min_total_score" if has_threshold else "null::double as min_total_score"
    history = warehouse.frame(
        "select scored_at, fit_score, engagement_score, total_score, meets_mql_criteria, "
        f"{threshold} from marts.fct_lead_score_history where lead_id = ? order by scored_at",
        [lead_id],
    )
    transitions = warehouse.frame(TRANSITIONS_SQL, [lead_id])
    st.subheader("Score over time")
    st.altair_chart(score_chart(history, transitions), width="stretch")
    if not has_threshold:
        missing("fct_lead_score_history", "min_total_score")


def score_chart(history: pd.DataFrame, transitions: pd.DataFrame) -> alt.LayerChart:
    """Total score (line), the MQL threshold in force (dashed steps), and a rule and a label at
    each stage entry (MQLs in orange)."""
    x = alt.X("scored_at:T", title="scored at (UTC)")
    score = (
        alt.Chart(history)
        .mark_line(point=True, interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y("total_score:Q", title="score"),
            tooltip=[
                alt.Tooltip("scored_at:T", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("total_score:Q", format=".1f"),
                alt.Tooltip("fit_score:Q", format=".1f"),
                alt.Tooltip("engagement_score:Q", format=".1f"),
                alt.Tooltip("min_total_score:Q", title="MQL threshold", format=".1f"),
                "meets_mql_criteria",
            ],
        )
    )
    threshold = (
        alt.Chart(history.dropna(subset=["min_total_score"]))
        .mark_line(interpolate="step-after", strokeDash=[6, 4], color="#d62728")
        .encode(
            x=x,
            y="min_total_score:Q",
            tooltip=[alt.Tooltip("min_total_score:Q", title="MQL threshold")],
        )
    )
    # labels alternate between two heights, so that entries close in time stay readable
    top = pd.concat([history["total_score"], history["min_total_score"]]).max()
    top = 0.0 if pd.isna(top) else float(top)
    entries = transitions.assign(
        is_mql=transitions["stage"] == "mql",
        label_at=[
            top * (1.08 if number % 2 else 1.0) for number in transitions["transition_number"]
        ],
    )
    rules = (
        alt.Chart(entries)
        .mark_rule(strokeWidth=2)
        .encode(
            x=alt.X("entered_at:T"),
            color=alt.condition("datum.is_mql", alt.value("#ff7f0e"), alt.value("#7f7f7f")),
            tooltip=[
                "stage",
                "entry_trigger",
                alt.Tooltip("entered_at:T", format="%Y-%m-%d %H:%M"),
            ],
        )
    )
    labels = (
        alt.Chart(entries)
        .mark_text(align="left", dx=3, baseline="bottom")
        .encode(x=alt.X("entered_at:T"), y="label_at:Q", text="stage:N")
    )
    return alt.layer(score, threshold, rules, labels).properties(height=320)


def contributions(warehouse: Warehouse, lead: pd.Series) -> None:
    """The rules behind the score, with their sum beside the lead's total."""
    warehouse.require("fct_score_contributions", "rule_id", "points", "rule_description")
    rows = warehouse.frame(CONTRIBUTIONS_SQL, [lead["lead_id"]])
    st.subheader("Why this score")
    if rows.empty:
        st.info("No rule in force affects this lead: its score is 0.")
        return
    total = float(rows["points"].sum())
    st.table(contribution_table(rows, total))
    agrees = abs(total - float(lead["total_score"])) <= 1e-6 * max(1.0, abs(total))
    sign = "=" if agrees else "≠"
    st.markdown(
        f"The contributions sum to **{score_text(total)}** {sign} the total score "
        f"**{score_text(lead['total_score'])}** (`dim_leads.total_score`)."
    )


def contribution_table(rows: pd.DataFrame, total: float) -> pd.DataFrame:
    """One row per rule, then the sum."""
    table = pd.DataFrame(
        {
            "rule": rows["rule_type"] + " · " + rows["rule_id"],
            "what": rows["rule_description"].fillna(""),
            "points": rows["points"].map(score_text),
            "events": rows["matched_event_count"].map(events_text),
            "last event (UTC)": rows["last_event_at"].map(optional_timestamp),
        }
    )
    sum_row = {"rule": "total", "what": "the sum of the rows above", "points": score_text(total)}
    return pd.concat([table, pd.DataFrame([sum_row])], ignore_index=True).fillna("")


def events_text(value: Any) -> str:
    return "" if value is None or value != value else f"{int(value):,}"


def optional_timestamp(value: Any) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def lifecycle(warehouse: Warehouse, lead_id: str) -> None:
    """The stages the lead went through, and its MQLs with their outcomes."""
    warehouse.require("fct_lifecycle_transitions", "stage", "entered_at", "entry_trigger")
    transitions = warehouse.frame(TRANSITIONS_SQL, [lead_id])
    st.subheader("Lifecycle path")
    st.markdown(" → ".join(f"**{stage}**" for stage in transitions["stage"]) or "no stage yet")
    st.dataframe(transitions, hide_index=True)
    warehouse.require("fct_mqls", "mql_number", "outcome")
    mqls = warehouse.frame(MQLS_SQL, [lead_id])
    if not mqls.empty:
        st.markdown("**MQLs**")
        st.dataframe(mqls, hide_index=True)
