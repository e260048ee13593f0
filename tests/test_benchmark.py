"""scripts/benchmark.py: its pieces, and one whole benchmark run at a tiny size.

The timings themselves are not tested (the machine is shared and noisy); what is tested is that
the benchmark measures what it says: a full build, an incremental run on a day of appended data,
the floor query and pandas, and that the floor's scores agree with the warehouse's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, load_script

benchmark = load_script("benchmark")


def test_union_seconds_counts_overlapping_time_once() -> None:
    at = datetime.fromisoformat
    intervals = [
        (at("2026-01-01 00:00:00"), at("2026-01-01 00:00:10")),
        (at("2026-01-01 00:00:05"), at("2026-01-01 00:00:12")),
        (at("2026-01-01 00:00:20"), at("2026-01-01 00:00:21")),
    ]
    assert benchmark.union_seconds(intervals) == 13.0
    assert benchmark.union_seconds([]) == 0.0


def test_most_at_once_counts_the_nodes_running_together() -> None:
    at = datetime.fromisoformat
    one_after_another = [
        (at("2026-01-01 00:00:00"), at("2026-01-01 00:00:10")),
        (at("2026-01-01 00:00:10"), at("2026-01-01 00:00:12")),
    ]
    assert benchmark.most_at_once(one_after_another) == 1
    overlapping = [*one_after_another, (at("2026-01-01 00:00:11"), at("2026-01-01 00:00:30"))]
    assert benchmark.most_at_once(overlapping) == 2
    assert benchmark.most_at_once([]) == 0


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
    costs = benchmark.node_costs(record)
    assert costs["by_kind"] == {"model": 5.5, "seed": 0.2, "test": 2.0}
    assert costs["costliest"][:3] == [("model", "b", 4.0), ("test", "t", 2.0), ("model", "a", 1.5)]


def test_a_failed_step_prints_why(capsys: pytest.CaptureFixture[str]) -> None:
    script = "print('building'); print('Result: 1 test failed, exit 1.'); raise SystemExit(1)"
    measured = benchmark.measure("full build", [sys.executable, "-c", script])
    printed = capsys.readouterr().out
    assert measured.code == 1
    assert "exit 1" in printed
    assert "      | Result: 1 test failed, exit 1." in printed


def test_one_appended_day_repeats_the_last_day_a_day_later(tmp_path: Path) -> None:
    raw, next_day = tmp_path / "raw", tmp_path / "next"
    end = date(2026, 10, 31)
    load_script("generate_demo_data").generate(
        out_dir=raw,
        leads=400,
        events_per_lead=10.0,
        seed=3,
        end_date=end,
        days=120,
        fmt="parquet",
        dirt=True,
    )
    counts = benchmark.append_one_day(raw, next_day, end)

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
            str(PROJECT_DIR / "scripts" / "benchmark.py"),
            "--leads",
            "300",
            "--events-per-lead",
            "8",
            "--work-dir",
            str(tmp_path),
            "--no-append",
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
