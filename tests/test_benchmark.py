"""The benchmark (benchmark.py and the benchmark_* modules it runs) and benchmark_results.py:
the pieces, one whole benchmark run at a tiny size, and the pages generated from the committed
result files.

The timings themselves are not tested (the machine is shared and noisy); what is tested is that
the benchmark measures what it says: a full build, an incremental run on a day of appended data,
the floor query and pandas, and that the floor's scores agree with the warehouse's; that it
records them in a result file; and that docs/benchmarks.md and the README show the current
results of docs/benchmarks/results/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import PROJECT_DIR

from lead_scoring import benchmark_results
from lead_scoring.benchmark_inputs import append_one_day
from lead_scoring.benchmark_report import SizeResult
from lead_scoring.benchmark_steps import GIB, Measured, measure
from lead_scoring.benchmark_timings import most_at_once, node_costs, union_seconds
from lead_scoring.demo_data.generator import generate


def test_union_seconds_counts_overlapping_time_once() -> None:
    at = datetime.fromisoformat
    intervals = [
        (at("2026-01-01 00:00:00"), at("2026-01-01 00:00:10")),
        (at("2026-01-01 00:00:05"), at("2026-01-01 00:00:12")),
        (at("2026-01-01 00:00:20"), at("2026-01-01 00:00:21")),
    ]
    assert union_seconds(intervals) == 13.0
    assert union_seconds([]) == 0.0


def test_most_at_once_counts_the_nodes_running_together() -> None:
    at = datetime.fromisoformat
    one_after_another = [
        (at("2026-01-01 00:00:00"), at("2026-01-01 00:00:10")),
        (at("2026-01-01 00:00:10"), at("2026-01-01 00:00:12")),
    ]
    assert most_at_once(one_after_another) == 1
    overlapping = [*one_after_another, (at("2026-01-01 00:00:11"), at("2026-01-01 00:00:30"))]
    assert most_at_once(overlapping) == 2
    assert most_at_once([]) == 0


def test_node_costs_sum_each_kind_and_rank_the_costliest() -> None:
    record = {
        "models": [
            {"kind": "model", "name": "a", "seconds": 1.5},
            {"kind": "model", "name": "b", "seconds": 4.0},
        ],
        "nodes": [
            {"kind": "test", "name": "t", "seconds": 2.0},
            {"kind": "seed", "name": "s", "seconds": 0.25},
        ],
    }
    costs = node_costs(record)
    assert costs["by_kind"] == {"model": 5.5, "seed": 0.2, "test": 2.0}
    assert costs["costliest"][:3] == [("model", "b", 4.0), ("test", "t", 2.0), ("model", "a", 1.5)]


def test_a_failed_step_prints_why(capsys: pytest.CaptureFixture[str]) -> None:
    script = "print('building'); print('Result: 1 test failed, exit 1.'); raise SystemExit(1)"
    measured = measure("full build", [sys.executable, "-c", script])
    printed = capsys.readouterr().out
    assert measured.code == 1
    assert "exit 1" in printed
    assert "      | Result: 1 test failed, exit 1." in printed


def test_one_appended_day_repeats_the_last_day_a_day_later(tmp_path: Path) -> None:
    raw, next_day = tmp_path / "raw", tmp_path / "next"
    end = date(2026, 10, 31)
    generate(
        out_dir=raw,
        leads=400,
        events_per_lead=10.0,
        seed=3,
        end_date=end,
        days=120,
        fmt="parquet",
        dirt=True,
    )
    counts = append_one_day(raw, next_day, end)

    def query(sql: str) -> list[tuple[object, ...]]:
        return duckdb.sql(sql).fetchall()

    old_events = f"read_parquet('{raw / 'events.parquet'}')"
    new_events = f"read_parquet('{next_day / 'events.parquet'}')"
    last_day = query(
        f"select count(*) from {old_events} where cast(occurred_at as date) = date '{end}'"
    )[0][0]
    assert counts["events"] == last_day > 0
    assert query(f"select count(*) from {new_events}")[0][0] == (
        query(f"select count(*) from {old_events}")[0][0] + counts["events"]
    )
    added = query(
        f"select count(*), min(cast(occurred_at as date)), max(cast(occurred_at as date)) "
        f"from {new_events} where event_id like 'N%'"
    )[0]
    assert added[0] == counts["events"]
    assert added[1] == added[2] == date(2026, 11, 1)
    assert counts["leads"] > 0
    for table in ("accounts", "sales_dispositions", "opportunities"):
        assert (next_day / f"{table}.parquet").read_bytes() == (
            raw / f"{table}.parquet"
        ).read_bytes()


def test_a_tiny_benchmark_measures_every_step_and_agrees_with_the_floor(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "lead_scoring.benchmark",
            "--leads",
            "300",
            "--events-per-lead",
            "8",
            "--work-dir",
            str(tmp_path),
            "--results-dir",
            str(tmp_path / "results"),
            "--node-costs",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    output = completed.stdout
    assert completed.returncode == 0, output[-4000:]
    for row in (
        "| full build (run.py --full-refresh) |",
        "| incremental run, +1 day (run.py) |",
        "| floor query (DuckDB) |",
        "| pandas |",
    ):
        assert row in output
    assert "Ratios: incremental / full:" in output
    agreement = json.loads(output.split("Floor vs dim_leads: ", 1)[1].split("}", 1)[0] + "}")
    assert agreement["floor_leads"] == agreement["warehouse_leads"] > 250
    assert agreement["missing_in_warehouse"] == 0
    assert agreement["total_score_differs"] == 0
    records = sorted((tmp_path / "leads_300" / "warehouse" / "runs").glob("*.json"))
    modes = [json.loads(path.read_text()).get("incremental_since") for path in records]
    assert len(modes) == 2 and modes[0] is None and modes[1] is not None
    # --node-costs: the same incremental run on a copy of the full build, one node at a time
    copies = sorted((tmp_path / "leads_300" / "warehouse_before_increment" / "runs").glob("*.json"))
    serial = json.loads(copies[-1].read_text())
    assert len(copies) == 2 and serial["incremental_since"] == modes[1]
    assert serial["outcome"] == "published"
    assert "at most 1 node(s) at once" in output
    assert "| costliest nodes, one at a time | kind | s |" in output
    # the result file: what was measured, read back as the pages read it
    (result_file,) = (tmp_path / "results").glob("*.json")
    (size,) = benchmark_results.read_result(result_file)
    assert size.leads == 300 and size.raw_events > 0
    assert size.full_build.exit_code == size.incremental_run.exit_code == 0
    assert size.incremental_run.model_seconds and size.slowest_full
    assert size.floor_query is not None and size.pandas is not None
    recorded = json.loads(result_file.read_text())
    assert recorded["sizes"][0]["floor_vs_dim_leads"] == agreement
    assert recorded["sizes"][0]["one_node_at_a_time"]["most_nodes_at_once"] == 1
    assert recorded["machine"]["cores"] and "--leads 300" in recorded["command"]


# ---------------------------------------------------------------------------------------------
# Result files and the pages generated from them
# ---------------------------------------------------------------------------------------------


def test_the_pages_show_the_current_benchmark_results() -> None:
    stale = benchmark_results.stale_pages(PROJECT_DIR, benchmark_results.RESULTS_DIR)
    assert not stale, (
        f"{', '.join(map(str, stale))} not up to date with docs/benchmarks/results/: "
        "run python -m lead_scoring.benchmark_results"
    )


def step(seconds: float, peak_gib: float = 1.0, model_seconds: float = 1.0) -> dict[str, Any]:
    return {
        "seconds": seconds,
        "peak_gib": peak_gib,
        "exit_code": 0,
        "model_seconds": model_seconds,
        "test_seconds": 1.0,
        "slowest_models": {"stg_raw__events": 0.5},
    }


def result(recorded_at: str, sizes: dict[int, float]) -> dict[str, Any]:
    """A result file's content: per leads, a full build of the given seconds."""
    return {
        "recorded_at": recorded_at,
        "commit": "abc1234",
        "command": "python scripts/benchmark.py",
        "machine": {
            "cpu": "Test CPU",
            "cores": 2,
            "memory_gib": 24,
            "system": "Linux",
            "python": "3.11",
            "packages": {"duckdb": "2.0.0"},
        },
        "sizes": [
            {
                "leads": leads,
                "raw_events": leads * 20,
                "full_build": step(full),
                "incremental_run": step(full / 4, model_seconds=full / 8),
                "floor_query": {"seconds": full / 40, "peak_gib": 0.5, "exit_code": 0},
                "pandas": None,
            }
            for leads, full in sizes.items()
        ],
    }


def test_each_size_shows_its_newest_run(tmp_path: Path) -> None:
    benchmark_results.write_result(
        tmp_path, result("2026-11-27T08:00:00+00:00", {50_000: 20.0, 1_000_000: 130.0})
    )
    benchmark_results.write_result(
        tmp_path, result("2026-11-27T12:00:00+00:00", {1_000_000: 110.0})
    )
    current = benchmark_results.current_results(tmp_path)
    assert [(size.leads, size.full_build.seconds) for size in current] == [
        (50_000, 20.0),
        (1_000_000, 110.0),
    ]
    block = benchmark_results.results_block(current)
    assert "| full build <= 120 s | 110.0 s | yes |" in block
    assert "| incremental run <= 20 % of the full build | 25 % | no |" in block
    assert "| at least 10x faster than pandas | not measured | - |" in block
    rows = block.splitlines()
    assert "(benchmarks/results/20261127T080000Z.json)" in rows[2]  # 50,000 leads
    assert "(benchmarks/results/20261127T120000Z.json)" in rows[3]  # 1,000,000 leads
    speed = benchmark_results.speed_block(current)
    assert "50,000 leads (1.0M events) 20.0 s and 5.0 s" in " ".join(speed.split())
    assert "1,000,000 leads (20.0M events) 110.0 s and 27.5 s" in " ".join(speed.split())


def test_a_result_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    broken = result("2026-11-27T08:00:00+00:00", {50_000: 20.0})
    del broken["sizes"][0]["full_build"]
    path = tmp_path / "20261127T080000Z.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(benchmark_results.ResultFileError, match=r"20261127T080000Z\.json: no "):
        benchmark_results.current_results(tmp_path)
    path.write_text("{")
    with pytest.raises(benchmark_results.ResultFileError, match="not JSON"):
        benchmark_results.current_results(tmp_path)


def test_a_page_without_its_markers_is_named() -> None:
    with pytest.raises(benchmark_results.ResultFileError, match=r"README\.md: needs one"):
        benchmark_results.with_block("no markers here", "speed", "text", Path("README.md"))
    begin, end = benchmark_results.marker_lines("speed")
    page = f"before\n{begin}\nold\n{end}\nafter\n"
    assert benchmark_results.with_block(page, "speed", "new", Path("README.md")) == (
        f"before\n{begin}\nnew\n{end}\nafter\n"
    )


def test_a_result_written_by_the_benchmark_reads_back(tmp_path: Path) -> None:
    def measured(seconds: float, **details: Any) -> Any:
        return Measured("step", seconds, 2 * GIB, 0, details=details)

    run = {"model_seconds": 3.0, "test_seconds": 1.0, "slowest_models": [("dim_leads", 0.7)]}
    size = SizeResult(
        leads=1000,
        events=20_000,
        generated=measured(1.0),
        full=measured(10.0, **run),
        incremental=measured(4.0, **run),
        appended={"events": 10, "leads": 2},
        floor=measured(0.5),
        pandas=None,
        agreement={"floor_leads": 1000},
        memory_limit="6GB (default)",
    )
    path = benchmark_results.write_result(
        tmp_path,
        {
            "recorded_at": "2026-11-27T12:00:00+00:00",
            "commit": benchmark_results.checked_out_commit(PROJECT_DIR),
            "command": "python scripts/benchmark.py --leads 1000",
            "machine": benchmark_results.this_machine(),
            "sizes": [size.as_data()],
        },
    )
    (read,) = benchmark_results.read_result(path)
    assert (read.leads, read.raw_events) == (1000, 20_000)
    assert read.full_build == benchmark_results.Step(10.0, 2.0, 0, 3.0, 1.0)
    assert read.slowest_incremental == [("dim_leads", 0.7)]
    assert read.floor_query == benchmark_results.Step(0.5, 2.0, 0) and read.pandas is None
