"""Where a production run's time went, from its run record: time in models and in tests (the
wall time at least one ran), the slowest models, the cost of each kind of node and the most
nodes that ran at once."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

# how many of the costliest nodes --node-costs lists
COSTLIEST_NODES = 15


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
