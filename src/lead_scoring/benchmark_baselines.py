"""Two baselines for benchmarks: current scores as of a timestamp, straight from the raw files.

Both compute, for every lead created at or before ``as_of``, the spec's §4 scores with the rule
versions in force at ``as_of`` (docs/semantics.md §2-3), from the raw folder (``leads``,
``accounts``, ``events`` as ``.parquet`` or ``.csv``) and the rule seeds
(``engagement_rules.csv``, ``fit_rules.csv``). They skip everything the warehouse does on top
(score history, lifecycle, data-quality counts, contracts), so they show how fast the bare
computation can be:

- ``run_floor`` (benchmark_floor_query.py) -- the "floor": one hand-written DuckDB statement
  (``floor_scores_sql``) that reads the files and the seeds itself and aggregates per lead x
  rule version, then clips, then sums.
- ``pandas_scores`` (benchmark_pandas_baseline.py) -- what a data analyst would write in plain
  pandas and numpy (no DuckDB).

Cleaning is the minimum a user would do: text trimmed (spaces, like SQL ``trim``), blank text
as null; ``event_type``, ``email``, ``industry``, ``lead_source`` lower-cased, country codes
upper-cased (the floor also lower-cases ``url``, which only serves case-insensitive matching);
rows with a null key or timestamp dropped; duplicate ``event_id`` / ``lead_id`` /
``account_id`` rows reduced to one (the earliest timestamp, then the smallest other values,
nulls last); events after ``as_of`` and events of unknown leads ignored. Events before a lead's
``created_at`` count (their age runs from ``occurred_at``).

Output of both: one row per lead, columns ``lead_id, fit_score, engagement_score,
total_score`` (doubles), in no particular order.

This module is their command line: it computes one of them and prints its rows and seconds.

Usage::

    python -m lead_scoring.benchmark_baselines --raw-dir /tmp/raw --as-of '2026-11-21 00:00:00' \\
        --which floor
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

from lead_scoring.benchmark_floor_query import run_floor
from lead_scoring.benchmark_pandas_baseline import pandas_scores
from lead_scoring.locations import CHECKOUT_DIR as PROJECT_DIR

DEFAULT_SEEDS_DIR = PROJECT_DIR / "seeds"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compute current scores as of a timestamp with a baseline implementation."
    )
    parser.add_argument("--raw-dir", type=Path, required=True, help="folder of the raw files")
    parser.add_argument(
        "--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR, help="rule seeds (default: seeds/)"
    )
    parser.add_argument(
        "--as-of", type=datetime.fromisoformat, required=True, help="naive UTC timestamp"
    )
    parser.add_argument("--which", choices=["floor", "pandas"], required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    if args.which == "floor":
        scores = run_floor(args.raw_dir, args.seeds_dir, args.as_of)
    else:
        scores = pandas_scores(args.raw_dir, args.seeds_dir, args.as_of)
    elapsed = time.perf_counter() - started
    print(f"{args.which}: {len(scores)} rows in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
