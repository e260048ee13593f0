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

Each step runs in its own child process; its wall time and peak resident memory (the child's
maximum RSS, from wait4) are printed with the ratios. Timings of dbt models and tests come from
the run records. The run's result, with the machine and the commit, is written as one JSON file
to docs/benchmarks/results/, and docs/benchmarks.md and the README's speed line are generated
again from those files (benchmark_results.py).

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
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from lead_scoring import benchmark_results
from lead_scoring.benchmark_floor_query import floor_scores_sql
from lead_scoring.locations import CHECKOUT_DIR as PROJECT_DIR

DEFAULT_WORK_DIR = Path("/tmp/lead_scoring_benchmark")
DEFAULT_END_DATE = date(2026, 11, 20)
SEED = 7
DAYS = 540
GIB = 1024**3
# the environment variable profiles.yml reads dbt's thread count from
THREADS_ENV = "LEAD_SCORING_DBT_THREADS"
# how many of the costliest nodes --node-costs lists
COSTLIEST_NODES = 15


# lines of a failed step's output the benchmark prints
FAILED_OUTPUT_LINES = 40


@dataclass
class Measured:
    """One child process: what ran, its wall time, peak RSS and exit code."""

    label: str
    seconds: float
    peak_bytes: int
    code: int
    output: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def peak_gib(self) -> float:
        return self.peak_bytes / GIB


def measure(label: str, command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run `command`, returning its wall time and its maximum RSS (Linux wait4, KiB)."""
    print(f"  {label}: {' '.join(command[1:])[:160]}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()  # until the child exits; its RSS is read by wait4 below
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    result = Measured(label, seconds, usage.ru_maxrss * 1024, process.returncode, output)
    print(
        f"    {seconds:8.1f} s   peak {result.peak_gib:5.2f} GiB   exit {result.code}", flush=True
    )
    if result.code != 0:
        # why it failed, before its work folder is cleaned up
        tail = output.splitlines()[-FAILED_OUTPUT_LINES:]
        print("\n".join(f"      | {line}" for line in tail), flush=True)
    return result


def python() -> str:
    return sys.executable


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def generate(raw_dir: Path, leads: int, events_per_lead: float, end_date: date) -> Measured:
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


# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------


def production_run(
    label: str,
    raw_dir: Path,
    warehouse: Path,
    as_of: str,
    *flags: str,
    env: dict[str, str] | None = None,
) -> Measured:
    command = [
        python(),
        "-m",
        "lead_scoring",
        "run",
        "--as-of",
        as_of,
        "--raw-dir",
        str(raw_dir),
        "--duckdb-path",
        str(warehouse),
        "--skip-freshness",
        *flags,
    ]
    result = measure(label, command, env)
    result.details = run_details(warehouse, result.output)
    return result


def copy_warehouse(warehouse: Path, copy: Path) -> None:
    """The published file and the run records of `warehouse` at `copy` (not the kept builds)."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, copy)
    shutil.copytree(warehouse.parent / "runs", copy.parent / "runs")


def union_seconds(intervals: list[tuple[datetime, datetime]]) -> float:
    """The wall time covered by at least one of the intervals."""
    total = 0.0
    end: datetime | None = None
    for start, stop in sorted(intervals):
        if end is None or start > end:
            total += (stop - start).total_seconds()
            end = stop
        elif stop > end:
            total += (stop - end).total_seconds()
            end = stop
    return total


def run_details(warehouse: Path, output: str) -> dict[str, Any]:
    """From the run record: time in models and in tests, the slowest models, the build mode."""
    records = sorted((warehouse.parent / "runs").glob("*.json"))
    if not records:
        return {}
    record = json.loads(records[-1].read_text())

    def spans(entries: list[dict[str, Any]]) -> list[tuple[datetime, datetime]]:
        return [
            (datetime.fromisoformat(e["started_at"]), datetime.fromisoformat(e["completed_at"]))
            for e in entries
            if e.get("started_at") and e.get("completed_at")
        ]

    models = record.get("models", [])
    tests = [n for n in record.get("nodes", []) if n["kind"] in ("test", "unit_test")]
    slowest = sorted(models, key=lambda e: e["seconds"], reverse=True)[:6]
    mode = next((line.strip() for line in output.splitlines() if "mode:" in line), "")
    return {
        "model_seconds": union_seconds(spans(models)),
        "test_seconds": union_seconds(spans(tests)),
        "slowest_models": [(e["name"], e["seconds"]) for e in slowest],
        "mode": mode,
        "outcome": record.get("outcome"),
        "node_costs": node_costs(record),
        "most_at_once": most_at_once(spans([*models, *record.get("nodes", [])])),
    }


def node_costs(record: dict[str, Any]) -> dict[str, Any]:
    """Seconds per kind of node (summed) and the costliest nodes of a run record."""
    entries = [*record.get("models", []), *record.get("nodes", [])]
    by_kind: dict[str, float] = {}
    for entry in entries:
        by_kind[entry["kind"]] = by_kind.get(entry["kind"], 0.0) + entry["seconds"]
    costliest = sorted(entries, key=lambda e: e["seconds"], reverse=True)[:COSTLIEST_NODES]
    return {
        "by_kind": {kind: round(seconds, 1) for kind, seconds in sorted(by_kind.items())},
        "costliest": [(e["kind"], e["name"], e["seconds"]) for e in costliest],
    }


def most_at_once(intervals: list[tuple[datetime, datetime]]) -> int:
    """The most intervals that overlap at one moment (an end and a start at one time do not)."""
    edges = sorted([(start, 1) for start, _ in intervals] + [(stop, -1) for _, stop in intervals])
    running = most = 0
    for _, step in edges:  # at one time, ends (-1) sort before starts (+1)
        running += step
        most = max(most, running)
    return most


def baseline(which: str, raw_dir: Path, as_of: str) -> Measured:
    command = [
        python(),
        "-m",
        "lead_scoring.benchmark_baselines",
        "--raw-dir",
        str(raw_dir),
        "--as-of",
        as_of,
        "--which",
        which,
    ]
    return measure(f"{which} baseline", command, env={"PYTHONUNBUFFERED": "1"})


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


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator > 0 else "n/a"


@dataclass
class SizeResult:
    leads: int
    events: int
    generated: Measured
    full: Measured
    incremental: Measured
    appended: dict[str, int]
    floor: Measured | None
    pandas: Measured | None
    agreement: dict[str, Any]
    memory_limit: str
    serial: Measured | None = None

    def rows(self) -> list[str]:
        full_models = self.full.details.get("model_seconds", 0.0)
        inc_models = self.incremental.details.get("model_seconds", 0.0)
        lines = [
            f"| {label} | {m.seconds:.1f} | {m.details.get('model_seconds', 0.0):.1f} | "
            f"{m.details.get('test_seconds', 0.0):.1f} | {m.peak_gib:.2f} | {m.code} |"
            for label, m in (
                ("full build (run.py --full-refresh)", self.full),
                ("incremental run, +1 day (run.py)", self.incremental),
            )
        ]
        for label, m in (("floor query (DuckDB)", self.floor), ("pandas", self.pandas)):
            if m is not None:
                lines.append(f"| {label} | {m.seconds:.1f} | - | - | {m.peak_gib:.2f} | {m.code} |")
        ratios = [
            f"incremental / full: {ratio(self.incremental.seconds, self.full.seconds)} "
            f"(models only: {ratio(inc_models, full_models)})",
        ]
        if self.floor is not None:
            ratios.append(
                f"incremental models / floor: {ratio(inc_models, self.floor.seconds)}; "
                f"full models / floor: {ratio(full_models, self.floor.seconds)}"
            )
        if self.pandas is not None and self.pandas.code == 0:
            floor_seconds = self.floor.seconds if self.floor else 0.0
            ratios.append(
                f"pandas / incremental models: {ratio(self.pandas.seconds, inc_models)}; "
                f"pandas / full models: {ratio(self.pandas.seconds, full_models)}; "
                f"pandas / floor: {ratio(self.pandas.seconds, floor_seconds)}"
            )
        return [*lines, "", "Ratios: " + "; ".join(ratios) + "."]

    def as_data(self) -> dict[str, Any]:
        """This size's measurements as a result file holds them."""
        return {
            "leads": self.leads,
            "raw_events": self.events,
            "generate_seconds": round(self.generated.seconds, 2),
            "appended_day": self.appended,
            "duckdb_memory_limit": self.memory_limit,
            "full_build": run_data(self.full),
            "incremental_run": run_data(self.incremental),
            "floor_query": step_data(self.floor),
            "pandas": step_data(self.pandas),
            "one_node_at_a_time": serial_data(self.serial),
            "floor_vs_dim_leads": self.agreement,
        }

    def markdown(self) -> str:
        slow = ", ".join(f"{n} {s:.1f} s" for n, s in self.full.details.get("slowest_models", []))
        slow_inc = ", ".join(
            f"{n} {s:.1f} s" for n, s in self.incremental.details.get("slowest_models", [])
        )
        return "\n".join(
            [
                f"#### {self.leads:,} leads, {self.events:,} raw events",
                "",
                f"Generated in {self.generated.seconds:.1f} s. The new day: "
                f"{self.appended.get('events', 0):,} events, {self.appended.get('leads', 0):,} "
                f"leads. DuckDB memory_limit {self.memory_limit}.",
                "",
                "| step | wall s | models s | tests s | peak GiB | exit |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
                *self.rows(),
                "",
                f"Slowest models, full build: {slow}.",
                f"Slowest models, incremental run: {slow_inc}.",
                f"Floor vs dim_leads: {json.dumps(self.agreement)}.",
                "",
                *self.serial_lines(),
            ]
        )

    def serial_lines(self) -> list[str]:
        """--node-costs: the incremental run again one node at a time, and its costliest nodes."""
        if self.serial is None:
            return []
        costs = self.serial.details.get("node_costs", {})
        by_kind = "; ".join(f"{kind} {s:.1f} s" for kind, s in costs.get("by_kind", {}).items())
        lines = [
            f"Incremental run one node at a time ({THREADS_ENV}=1, same data and as_of): "
            f"{self.serial.seconds:.1f} s, exit {self.serial.code}, at most "
            f"{self.serial.details.get('most_at_once', 0)} node(s) at once. "
            f"Node seconds by kind: {by_kind}.",
            "",
            "| costliest nodes, one at a time | kind | s |",
            "| --- | --- | ---: |",
        ]
        for kind, name, seconds in costs.get("costliest", []):
            lines.append(f"| {name} | {kind} | {seconds:.2f} |")
        return [*lines, ""]


def print_summary(results: list[SizeResult]) -> None:
    print("\n" + "=" * 30 + " benchmark " + "=" * 30)
    for result in results:
        print(result.markdown())


def step_data(step: Measured | None) -> dict[str, Any] | None:
    """A step's wall time, peak memory and exit code, as a result file holds them."""
    if step is None:
        return None
    return {
        "seconds": round(step.seconds, 2),
        "peak_gib": round(step.peak_gib, 3),
        "exit_code": step.code,
    }


def run_data(run: Measured) -> dict[str, Any]:
    """A production run's step data, with its time in models and tests and its slowest models."""
    return {
        **(step_data(run) or {}),
        "model_seconds": round(run.details.get("model_seconds", 0.0), 2),
        "test_seconds": round(run.details.get("test_seconds", 0.0), 2),
        "slowest_models": dict(run.details.get("slowest_models", [])),
    }


def serial_data(serial: Measured | None) -> dict[str, Any] | None:
    """--node-costs: the one-node-at-a-time run's step data and what each kind of node cost."""
    if serial is None:
        return None
    costs = serial.details.get("node_costs", {})
    return {
        **(step_data(serial) or {}),
        "most_nodes_at_once": serial.details.get("most_at_once", 0),
        "node_seconds_by_kind": costs.get("by_kind", {}),
        "costliest_nodes": [
            {"kind": kind, "name": name, "seconds": seconds}
            for kind, name, seconds in costs.get("costliest", [])
        ],
    }


def record_result(results: list[SizeResult], command: str, results_dir: Path) -> None:
    """Write this run's result file; in the project's results folder, regenerate the pages."""
    path = benchmark_results.write_result(
        results_dir,
        {
            "recorded_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "commit": benchmark_results.checked_out_commit(PROJECT_DIR),
            "command": command,
            "machine": benchmark_results.this_machine(),
            "sizes": [result.as_data() for result in results],
        },
    )
    print(f"Wrote {path}")
    if results_dir.resolve() == benchmark_results.RESULTS_DIR.resolve():
        for page in benchmark_results.write_pages(PROJECT_DIR, results_dir):
            print(f"Updated {page}")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


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
