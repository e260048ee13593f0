"""Benchmark the warehouse against the obvious alternatives, at one or more data sizes.

For each size (leads; events per lead from --events-per-lead) this script, in one run:

1. generates dirty demo data with generate_demo_data.py (seed 7, 540 days ending
   --end-date);
2. runs a full production build, `lead-scoring run --full-refresh` (build, test, publish) as of
   the next midnight;
3. appends one new day of events (the last day's events again, a day later, with new ids) and
   a day of new leads, then runs `lead-scoring run` as of one day later: an incremental run that
   continues the published warehouse;
4. on the appended data, times (a) the floor: one hand-written DuckDB query computing every
   lead's current scores straight from the raw files, and (b) the same scores in plain pandas
   (benchmark_baselines.py); and checks the floor against the warehouse's dim_leads;
5. with --node-costs, repeats the incremental run one dbt node at a time
   (LEAD_SCORING_DBT_THREADS=1) on a copy of the warehouse as the full build left it, and lists
   what each model and test costs: with two at a time each node's time includes its share of
   the other's, on a machine whose two cores both nodes use.

Each step runs in its own child process (benchmark_steps.py); its wall time and peak resident
memory (the child's maximum RSS, from wait4) are printed with the ratios. Timings of dbt models
and tests come from the run records (benchmark_timings.py). The run's result, with the machine
and the commit, is written as one JSON file to docs/benchmarks/results/ (benchmark_report.py),
and docs/benchmarks.md and the README's speed line are generated again from those files
(benchmark_results.py). The data of each size, generated and appended: benchmark_inputs.py.

Usage::

    python -m lead_scoring.benchmark                                # 1M leads x 20 events
    python -m lead_scoring.benchmark --leads 50000 250000 1000000 2500000   # 1M to 50M events
    python -m lead_scoring.benchmark --leads 20000 --no-pandas --no-record  # a quick look
    python -m lead_scoring.benchmark --no-pandas --node-costs --no-record   # where the time goes

It needs disk space in --work-dir (about 4 GB per 20M events) and leaves it behind for
inspection unless --clean is given.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from lead_scoring import benchmark_results
from lead_scoring.benchmark_floor_query import floor_scores_sql
from lead_scoring.benchmark_inputs import append_one_day, copy_warehouse, generate
from lead_scoring.benchmark_report import SizeResult, print_summary, record_result
from lead_scoring.benchmark_steps import THREADS_ENV, baseline, production_run
from lead_scoring.locations import CHECKOUT_DIR as PROJECT_DIR

DEFAULT_WORK_DIR = Path("/tmp/lead_scoring_benchmark")
DEFAULT_END_DATE = date(2026, 11, 20)


def floor_agreement(raw_dir: Path, warehouse: Path, as_of: str) -> dict[str, Any]:
    """How many leads' current scores differ between the floor query and marts.dim_leads."""
    import duckdb

    floor_sql = floor_scores_sql(raw_dir, PROJECT_DIR / "seeds", datetime.fromisoformat(as_of))
    with duckdb.connect() as connection:
        connection.execute(f"attach '{warehouse}' as warehouse (read_only)")
        row = connection.execute(
            f"""
            with floor as ({floor_sql})
            select
                count(*),
                count(*) filter (where dim.lead_id is null),
                count(*) filter (
                    where abs(floor.total_score - dim.total_score)
                        > 1e-6 * greatest(1, abs(dim.total_score))
                )
            from floor
            left join warehouse.marts.dim_leads as dim on dim.lead_id = floor.lead_id
            """
        ).fetchone()
        leads = connection.execute("select count(*) from warehouse.marts.dim_leads").fetchone()
    assert row is not None and leads is not None
    return {
        "floor_leads": row[0],
        "warehouse_leads": leads[0],
        "missing_in_warehouse": row[1],
        "total_score_differs": row[2],
    }


def run_size(args: argparse.Namespace, leads: int) -> SizeResult:
    work = args.work_dir / f"leads_{leads}"
    if work.exists():
        shutil.rmtree(work)
    raw, raw_next, warehouse = (
        work / "raw",
        work / "raw_next_day",
        work / "warehouse" / "lead_scoring.duckdb",
    )
    print(f"\n{leads:,} leads x {args.events_per_lead:g} events (work folder {work})", flush=True)
    generated = generate(raw, leads, args.events_per_lead, args.end_date)
    import duckdb

    events = duckdb.sql(
        f"select count(*) from read_parquet('{raw / 'events.parquet'}')"
    ).fetchall()[0][0]
    as_of = (args.end_date + timedelta(days=1)).isoformat() + " 00:00:00"
    next_as_of = (args.end_date + timedelta(days=2)).isoformat() + " 00:00:00"
    full = production_run("full build", raw, warehouse, as_of, "--full-refresh")
    appended = append_one_day(raw, raw_next, args.end_date)
    before = work / "warehouse_before_increment" / warehouse.name
    if args.node_costs and full.code == 0:
        copy_warehouse(warehouse, before)
    incremental = production_run("incremental run (+1 day)", raw_next, warehouse, next_as_of)
    serial = None
    if args.node_costs and full.code == 0:
        serial = production_run(
            "incremental run, one node at a time",
            raw_next,
            before,
            next_as_of,
            env={THREADS_ENV: "1"},
        )
    floor = None if args.no_floor else baseline("floor", raw_next, next_as_of)
    skip_pandas = args.no_pandas or leads > args.pandas_max_leads
    pandas = None if skip_pandas else baseline("pandas", raw_next, next_as_of)
    agreement = floor_agreement(raw_next, warehouse, next_as_of) if incremental.code == 0 else {}
    result = SizeResult(
        leads=leads,
        events=int(events),
        generated=generated,
        full=full,
        incremental=incremental,
        appended=appended,
        floor=floor,
        pandas=pandas,
        agreement=agreement,
        memory_limit=os.environ.get("LEAD_SCORING_DUCKDB_MEMORY_LIMIT", "6GB (default)"),
        serial=serial,
    )
    if args.clean:
        shutil.rmtree(work)
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lead_scoring.benchmark", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--leads", type=int, nargs="+", default=[1_000_000], metavar="N")
    parser.add_argument("--events-per-lead", type=float, default=20.0, metavar="E")
    parser.add_argument("--end-date", type=date.fromisoformat, default=DEFAULT_END_DATE)
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline")
    parser.add_argument(
        "--pandas-max-leads",
        type=int,
        default=1_000_000,
        metavar="N",
        help="skip pandas above N leads (it holds all events in memory: ~11 GB at 1M leads)",
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the floor query")
    parser.add_argument("--no-record", action="store_true", help="print only; write no result file")
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=benchmark_results.RESULTS_DIR,
        metavar="DIR",
        help="where the result file goes (default docs/benchmarks/results, which also "
        "regenerates docs/benchmarks.md and the README's speed line)",
    )
    parser.add_argument(
        "--node-costs",
        action="store_true",
        help="repeat the incremental run one node at a time and list each node's cost",
    )
    parser.add_argument("--clean", action="store_true", help="delete each size's work folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = [run_size(args, leads) for leads in args.leads]
    print_summary(results)
    if not args.no_record:
        command = "python -m lead_scoring.benchmark " + " ".join(argv or sys.argv[1:])
        record_result(results, command, args.results_dir)
    failed = [
        r
        for r in results
        if r.full.code != 0 or r.incremental.code != 0 or (r.serial and r.serial.code != 0)
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
