"""Generate realistic, deliberately dirty demo data for the lead-scoring warehouse.

Writes the five raw tables of the spec (§2) -- ``leads``, ``accounts``, ``events``,
``sales_dispositions`` and ``opportunities`` -- as ``<table>.parquet`` (or ``<table>.csv``
with a header row) into one folder, the folder ``LEAD_SCORING_RAW_DIR`` points at, with a
note, ``_demo_data.json``, that says they are demo data and whether they are dirty on purpose
(demo_marker.py: the run summary says so).

Usage::

    python -m lead_scoring.generate_demo_data --out data/raw
    python -m lead_scoring.generate_demo_data --out /tmp/raw --leads 1000000 --events-per-lead 20 \\
        --seed 7 --end-date 2026-06-30 --days 540 --format parquet
    python -m lead_scoring.generate_demo_data --out /tmp/clean --no-dirt --format csv

The same flags give byte-identical files; ``--end-date`` defaults to today in UTC, the only
wall-clock input. ``--no-dirt`` writes clean data. What the data models, and which module makes
which part of it: the package lead_scoring.demo_data; its ``generate()`` (generator.py) is the
in-process entry point for tests and benchmarks.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from lead_scoring.demo_data.files import TABLES
from lead_scoring.demo_data.generator import generate


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Generate dirty B2B lead-scoring demo data (the spec's five raw tables)."
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--leads", type=int, default=1000, help="number of leads (default 1000)")
    parser.add_argument(
        "--events-per-lead", type=float, default=20.0, help="mean events per lead (default 20)"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="last day of history, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument("--days", type=int, default=540, help="days of history (default 540)")
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--no-dirt", action="store_true", help="write clean data")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    end_date = args.end_date or datetime.now(UTC).date()
    started = time.monotonic()
    try:
        rows = generate(
            out_dir=args.out,
            leads=args.leads,
            events_per_lead=args.events_per_lead,
            seed=args.seed,
            end_date=end_date,
            days=args.days,
            fmt=args.format,
            dirt=not args.no_dirt,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for table in TABLES:
        print(f"{table}: {rows[table]} rows -> {args.out / f'{table}.{args.format}'}")
    print(f"done in {time.monotonic() - started:.1f}s (end date {end_date}, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
