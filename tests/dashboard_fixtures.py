"""Warehouses for the dashboard's tests, made from a demo build: the same file with small
hand-made tables for the marts the build does not have yet (their columns as the product
specification's §8 and §9 name them), a `lead-scoring compare` result beside it, a --hash-pii
look-alike, a build with a mart emptied and one of an older version that lacks a mart and a
column.

Each hand-made mart is made only where the build lacks it, so once the project builds the mart
the tests read the real one: they compute what the page must show from the mart either way.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb

# the marts the dashboard reads that a build of this version may not have yet, each as the
# statement that creates a small hand-made version of it
NEWER_MARTS = {
    "rpt_rule_performance": """
        create table marts.rpt_rule_performance as
        select * from (values
            ('engagement', 'pricing_page_view', 'Pricing page views', 5.0, false,
             120, 40, 180, 20, 40 / 120, 20 / 180, 3.0, 4.0, 20.0, true),
            ('fit', 'title_vp', 'VP title', 20.0, false,
             50, 10, 250, 50, 0.2, 0.2, 1.0, 1.0, 0.0, true),
            ('fit', 'student', 'Students', 0.0, true,
             5, 0, 295, 60, 0.0, 60 / 295, 0.0, 0.2, -23.0, false)
        ) as rules(rule_type, rule_id, description, current_points, is_disqualifying,
                   leads_matched, conversions_matched, leads_unmatched, conversions_unmatched,
                   conversion_rate_matched, conversion_rate_unmatched, lift, odds_ratio,
                   suggested_points, has_enough_data)
    """,
    "rpt_threshold_backtest": """
        create table marts.rpt_threshold_backtest as
        select * from (values
            (32.5, false, 300, 60, 150, 55, 55 / 150, 55 / 60, 12.0),
            (52.0, false, 300, 60, 90, 48, 48 / 90, 48 / 60, 9.5),
            (65.0, true, 300, 60, 61, 41, 41 / 61, 41 / 60, 7.25),
            (78.0, false, 300, 60, 40, 30, 30 / 40, 30 / 60, 5.0),
            (97.5, false, 300, 60, 12, 10, 10 / 12, 10 / 60, 3.0)
        ) as backtest(threshold, is_current_threshold, population_leads, conversions,
                      flagged_leads, flagged_before_conversion, precision, recall,
                      median_days_flag_to_conversion)
    """,
    "rpt_mql_outcomes": """
        create table marts.rpt_mql_outcomes as
        select * from (values
            (date '2026-09-01', 'score', 'A', 'accepted', 'good fit', 12, 20.5, 9, 24),
            (date '2026-09-01', 'score', 'B', 'recycled', 'no budget', 7, 50.0, 2, 24),
            (date '2026-10-01', 'hand_raiser', 'A', 'open', null, 5, null, 0, 24)
        ) as outcomes(mql_month, mql_trigger, fit_grade_at_mql, outcome, reason, mqls,
                      median_hours_to_outcome, outcomes_within_sla, mql_sla_hours)
    """,
    "dim_accounts": """
        create table marts.dim_accounts as
        select * from (values
            ('A001', 'Acme', 'acme.example', 'software', 800, 4, 3, 45.0, 120.5, 'A', 1,
             'A1', 2, 1, 'sql', timestamp '2026-10-30 10:00:00'),
            ('A002', 'Globex', 'globex.example', 'retail', 40, 2, 1, 15.0, 10.0, 'C', 3,
             'C3', 0, 0, 'mql', timestamp '2026-10-12 08:00:00'),
            ('A003', 'Initech', 'initech.example', 'software', 120, 0, 0, null, 0.0, null,
             null, null, 0, 0, null, null)
        ) as accounts(account_id, account_name, domain, industry, employee_count, leads,
                      engaged_leads, account_fit_score, account_engagement_score,
                      account_fit_grade, account_engagement_band, account_priority, open_mqls,
                      leads_ever_sql, most_advanced_stage, latest_event_at)
    """,
    "rpt_campaign_attribution": """
        create table marts.rpt_campaign_attribution as
        select * from (values
            (date '2026-09-01', 'spring_webinar', 5, 3, 2, 2.5, 2, 1, 1, 1.5),
            (date '2026-09-01', '(none)', 4, 4, 4, 4.0, 1, 1, 1, 1.0),
            (date '2026-10-01', 'spring_webinar', 2, 1, 1, 1.0, 0, 0, 0, 0.0),
            (date '2026-10-01', 'pricing_ads', 6, 5, 6, 5.5, 3, 3, 3, 3.0)
        ) as attribution(mql_month, campaign, mqls_touched, first_touch_mqls, last_touch_mqls,
                         linear_mqls, mqls_touched_accepted, first_touch_mqls_accepted,
                         last_touch_mqls_accepted, linear_mqls_accepted)
    """,
    "rpt_nurture_audience": """
        create table marts.rpt_nurture_audience as
        select * from (values
            ('N1', 'n1@example.com', 'high_fit_cold', 'A', 4, 40.0, 25.0),
            ('N2', 'n2@example.com', 'high_fit_cold', 'A', 3, 50.0, 15.0),
            ('N3', 'n3@example.com', 'general', 'C', 4, 5.0, 60.0)
        ) as audience(lead_id, email, nurture_track, fit_grade, engagement_band, total_score,
                      points_to_mql)
    """,
}
# the hand-off list's speed-to-lead columns (spec §8), from mql_at and as_of, a 24-hour SLA
HANDOFF_WAITING = """
    create or replace table marts.rpt_mql_handoff as
    select
        *,
        date_diff('second', mql_at, (select as_of from ops.build_info)) / 3600.0
            as hours_waiting,
        date_diff('second', mql_at, (select as_of from ops.build_info)) / 3600.0 > 24
            as is_overdue
    from marts.rpt_mql_handoff
"""
COMPARISON_ID = "20261101T090000.000Z-c0de"
COMPARISON_TABLES = """
    create schema comparison;
    create table comparison.rule_set_summary as select * from (values
        ('in_use', 300, 40, 65.0, 200, 60, 61, 41, 41 / 61, 41 / 60),
        ('proposed', 300, 46, 55.0, 200, 60, 80, 47, 47 / 80, 47 / 60)
    ) as summary(rule_set, leads, leads_meeting_mql_criteria, threshold, population_leads,
                 conversions, flagged_leads, flagged_before_conversion, precision, recall);
    create table comparison.lead_changes as select * from (values
        ('L1', 'gained', 50.0, 60.0, 'B3', 'B2', 'title_manager +10'),
        ('L2', 'gained', 52.0, 62.0, 'B3', 'A3', 'title_manager +10'),
        ('L3', 'lost', 70.0, 50.0, 'A2', 'B2', 'email_click -20')
    ) as changes(lead_id, change, total_score_in_use, total_score_proposed, priority_in_use,
                 priority_proposed, top_reasons);
    create table comparison.reason_changes as select * from (values
        ('gained', 'fit', 'title_manager', 2, 20.0),
        ('lost', 'engagement', 'email_click', 1, -20.0)
    ) as reasons(change, rule_type, rule_id, leads, points);
    create table comparison.priority_moves as select * from (values
        ('B3', 'B2', 1), ('B3', 'A3', 1), ('A2', 'B2', 1), ('A1', 'A1', 20)
    ) as moves(priority_in_use, priority_proposed, leads);
"""


def table_names(connection: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()
    return {name for (name,) in rows}


def column_names(connection: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = connection.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'marts' and table_name = ?",
        [table],
    ).fetchall()
    return {name for (name,) in rows}


def add_newer_marts(database: Path) -> list[str]:
    """Give the file a hand-made version of each newer mart it lacks (and the hand-off list its
    waiting time); returns the marts made."""
    made = []
    with duckdb.connect(str(database)) as connection:
        present = table_names(connection, "marts")
        for mart, statement in NEWER_MARTS.items():
            if mart not in present:
                connection.execute(statement)
                made.append(mart)
        if not {"hours_waiting", "is_overdue"} <= column_names(connection, "rpt_mql_handoff"):
            connection.execute(HANDOFF_WAITING)
            made.append("rpt_mql_handoff.hours_waiting")
        connection.execute("checkpoint")
    return made


def add_comparison(published: Path) -> Path:
    """A finished `lead-scoring compare` beside the warehouse: its proposal's file with the
    comparison tables, where compare leaves it."""
    target = published.parent / "comparisons" / COMPARISON_ID / "warehouse" / published.name
    target.parent.mkdir(parents=True)
    with duckdb.connect(str(target)) as connection:
        connection.execute(COMPARISON_TABLES)
    return target


def copy_warehouse(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def hashed_copy(source: Path, target: Path) -> Path:
    """What `lead-scoring run --hash-pii` publishes: the marts and ops.build_info only, every
    email the sha256 hex digest of the lower-cased address, the build stamped hash_pii."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"attach '{source}' as source (read_only)")
        for schema in ("marts", "ops"):
            connection.execute(f"create schema {schema}")
            for table in table_names_in(connection, "source", schema):
                connection.execute(
                    f"create table {schema}.{table} as select * from source.{schema}.{table}"
                )
        for table in ("dim_leads", "rpt_mql_handoff"):
            connection.execute(f"update marts.{table} set email = sha256(lower(email))")
        connection.execute("update ops.build_info set hash_pii = true")
        connection.execute("detach source")
    return target


def table_names_in(connection: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_type = 'BASE TABLE'",
        [catalog, schema],
    ).fetchall()
    return [name for (name,) in rows]


def emptied_copy(source: Path, target: Path, mart: str) -> Path:
    """The build with one mart left without rows."""
    copy_warehouse(source, target)
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"delete from marts.{mart}")
        connection.execute("checkpoint")
    return target


def older_copy(source: Path, target: Path) -> Path:
    """A build of an older version: no rpt_mql_conversion, and a score history without the
    threshold in force."""
    copy_warehouse(source, target)
    with duckdb.connect(str(target)) as connection:
        connection.execute("drop table marts.rpt_mql_conversion")
        connection.execute(
            "create or replace table marts.fct_lead_score_history as "
            "select * exclude (min_total_score) from marts.fct_lead_score_history"
        )
        connection.execute("checkpoint")
    return target


def sha256_of(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()
