"""Warehouses for the dashboard's tests, made from a demo build: the same file with a
`lead-scoring compare` result beside it, a --hash-pii look-alike, a build with a mart emptied
and one of an older version that lacks a mart and a column.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb

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
