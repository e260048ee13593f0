"""The benchmark's report: each size's measurements as a Markdown section with the ratios that
matter, and as the result file docs/benchmarks.md and the README are generated from
(benchmark_results.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lead_scoring import benchmark_results
from lead_scoring.benchmark_steps import THREADS_ENV, Measured
from lead_scoring.locations import CHECKOUT_DIR as PROJECT_DIR


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
