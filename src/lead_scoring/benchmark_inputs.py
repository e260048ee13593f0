"""The data a benchmark size runs on: generated demo data, the same data plus one appended day,
and the warehouse as the full build left it (for the one-node-at-a-time run)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from lead_scoring.benchmark_steps import Measured, measure, python

SEED = 7
DAYS = 540


def generate(raw_dir: Path, leads: int, events_per_lead: float, end_date: date) -> Measured:
    """Dirty demo data in `raw_dir`: `leads` leads over DAYS days ending `end_date`."""
    command = [
        python(),
        "-m",
        "lead_scoring.generate_demo_data",
        "--out",
        str(raw_dir),
        "--leads",
        str(leads),
        "--events-per-lead",
        str(events_per_lead),
        "--seed",
        str(SEED),
        "--end-date",
        end_date.isoformat(),
        "--days",
        str(DAYS),
    ]
    return measure("generate demo data", command)


def append_one_day(raw_dir: Path, next_dir: Path, end_date: date) -> dict[str, int]:
    """`next_dir`: the raw tables of `raw_dir` plus one new day of events and of new leads.

    The new day repeats the last day's events and leads one day later under new ids, so it has
    a realistic volume and mix; the other tables are the same files.
    """
    import duckdb

    next_dir.mkdir(parents=True, exist_ok=True)
    last_day = end_date.isoformat()
    counts = {}
    with duckdb.connect() as connection:
        connection.execute("set preserve_insertion_order = false")
        for table in ("accounts", "sales_dispositions", "opportunities"):
            shutil.copyfile(raw_dir / f"{table}.parquet", next_dir / f"{table}.parquet")
        leads = f"read_parquet('{raw_dir / 'leads.parquet'}')"
        new_leads = (
            f"select * replace ('N' || lead_id as lead_id, created_at + interval 1 day as "
            f"created_at) from {leads} where cast(created_at as date) = date '{last_day}'"
        )
        events = f"read_parquet('{raw_dir / 'events.parquet'}')"
        new_events = (
            f"select * replace ('N' || event_id as event_id, occurred_at + interval 1 day as "
            f"occurred_at) from {events} where cast(occurred_at as date) = date '{last_day}'"
        )
        for table, old, new in (("leads", leads, new_leads), ("events", events, new_events)):
            counts[table] = connection.execute(f"select count(*) from ({new})").fetchone()[0]  # type: ignore[index]
            connection.execute(
                f"copy (select * from {old} union all {new}) to "
                f"'{next_dir / f'{table}.parquet'}' (format parquet)"
            )
    return counts


def copy_warehouse(warehouse: Path, copy: Path) -> None:
    """The published file and the run records of `warehouse` at `copy` (not the kept builds)."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, copy)
    shutil.copytree(warehouse.parent / "runs", copy.parent / "runs")
