"""Run records: one JSON file per run in <warehouse folder>/runs/, and `history` over them.

A record is written when a run starts (outcome "running") and rewritten when it ends, each time
atomically (a temporary file renamed over the record), so a reader never sees half a file. A
record still "running" whose process is gone (killed, crashed) is marked "interrupted" by the
next run that takes the lock, and shown so by `history` before that.

Outcomes: running, published (built, tested and published), backfilled (built, tested and
written to a backfill's own file; the published warehouse left as it was), built (exit 0 on a
non-DuckDB target, built in place), failed (exit 1: a seed, model, test, freshness check or the
publish step failed), not_run (exit 2), locked_out (exit 3), interrupted, rolled_back (a
rollback that republished a kept build).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lead_scoring.exit_codes import ExitCode
from lead_scoring.processes import process_is_alive
from lead_scoring.publishing import Layout

RECORD_SUFFIX = ".json"
LOG_SUFFIX = ".log"
OUTCOME_RUNNING = "running"
OUTCOME_INTERRUPTED = "interrupted"
SUCCESSFUL_BUILD_OUTCOMES = frozenset({"published"})


@dataclass
class RunRecord:
    """The machine-readable summary of one run, saved as runs/<run_id>.json."""

    path: Path
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(
        cls, runs_dir: Path, run_id: str, command: str, save: bool = True, **details: Any
    ) -> RunRecord:
        """A new record for a run starting now, saved at once unless `save` is false."""
        now = datetime.now(UTC)
        record = cls(
            path=runs_dir / f"{run_id}{RECORD_SUFFIX}",
            data={
                "run_id": run_id,
                "command": command,
                "outcome": OUTCOME_RUNNING,
                "exit_code": None,
                "pid": os.getpid(),
                "host": os.uname().nodename,
                "started_at": now.isoformat(timespec="milliseconds"),
                "finished_at": None,
                "duration_seconds": None,
                **details,
            },
        )
        if save:
            record.save()
        return record

    @property
    def log_path(self) -> Path:
        return self.path.with_suffix(LOG_SUFFIX)

    def update(self, **values: Any) -> None:
        self.data.update(values)

    def finish(self, outcome: str, exit_code: int, message: str | None = None) -> None:
        """Stamp the end, the outcome and the exit code, and save."""
        self.end(outcome, exit_code, message)
        self.save()

    def end(self, outcome: str, exit_code: int, message: str | None = None) -> None:
        """Stamp the end, the outcome and the exit code (not saved yet)."""
        now = datetime.now(UTC)
        started = datetime.fromisoformat(self.data["started_at"])
        self.data.update(
            outcome=outcome,
            exit_code=exit_code,
            finished_at=now.isoformat(timespec="milliseconds"),
            duration_seconds=round((now - started).total_seconds(), 3),
        )
        self.data["message"] = message or None

    def save(self) -> None:
        """Write the record; a full disk or a read-only folder is reported in one line (the
        run's own outcome matters more than its record, which then stays as it was)."""
        try:
            self.write()
        except OSError as error:
            print(
                f"Could not write the run record {self.path}: {error.strerror or error}",
                file=sys.stderr,
            )

    def write(self) -> None:
        """Write the record atomically (a temporary file renamed over it); OSError when the
        folder does not take it."""
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(self.data, indent=2, default=str) + "\n")
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise


def load_records(runs_dir: Path) -> list[dict[str, Any]]:
    """Every readable record, oldest first; a dead 'running' record reads as 'interrupted'."""
    records = []
    if not runs_dir.is_dir():
        return records
    for path in sorted(runs_dir.glob(f"*{RECORD_SUFFIX}")):
        if path.name.startswith("."):
            continue
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or "run_id" not in data:
            continue
        if data.get("outcome") == OUTCOME_RUNNING and not process_is_alive(data.get("pid")):
            data["outcome"] = OUTCOME_INTERRUPTED
        records.append(data)
    records.sort(key=lambda data: (str(data.get("started_at")), str(data.get("run_id"))))
    return records


def mark_interrupted(runs_dir: Path, current_run_id: str) -> list[str]:
    """Rewrite 'running' records of other runs as 'interrupted'; call while holding the lock.

    Whoever holds the lock is the only live run, so any other record still 'running' belongs
    to a run that was killed or crashed. Returns their run ids.
    """
    marked = []
    for path in sorted(runs_dir.glob(f"*{RECORD_SUFFIX}")):
        if path.name.startswith(".") or path.stem == current_run_id:
            continue
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(path.read_text())
            if isinstance(data, dict) and data.get("outcome") == OUTCOME_RUNNING:
                data["outcome"] = OUTCOME_INTERRUPTED
                data["message"] = (
                    "the run ended without finishing its record (killed or crashed); "
                    "nothing of it was published"
                )
                RunRecord(path=path, data=data).save()
                marked.append(str(data.get("run_id", path.stem)))
    return marked


def successful_builds(runs_dir: Path) -> set[str]:
    """Run ids of builds that passed and were published (rollback candidates)."""
    return {
        str(data["run_id"])
        for data in load_records(runs_dir)
        if data.get("command") == "build" and data.get("outcome") in SUCCESSFUL_BUILD_OUTCOMES
    }


def new_run_id() -> str:
    """A run id that sorts by start time: '20261123T021500.123Z-4f2a'."""
    now = datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z-{secrets.token_hex(2)}"


def node_records(run_result: Any) -> dict[str, Any]:
    """Per-node statuses and timings, counts per kind, and the failed and warned tests."""
    nodes = []
    counts: dict[str, Counter[str]] = {}
    problems = []
    for result in run_result.results:
        kind = str(result.node.resource_type)
        status = str(result.status)
        counts.setdefault(kind, Counter())[status] += 1
        timing = {item.name: item for item in (result.timing or [])}
        executed = timing.get("execute")
        entry = {
            "kind": kind,
            "name": result.node.name,
            "status": status,
            "seconds": round(result.execution_time or 0.0, 3),
            "started_at": getattr(executed, "started_at", None),
            "completed_at": getattr(executed, "completed_at", None),
        }
        nodes.append(entry)
        if kind in ("test", "unit_test") and status in {"fail", "warn", "error"}:
            problems.append(
                {
                    "kind": kind,
                    "name": result.node.name,
                    "path": getattr(result.node, "original_file_path", ""),
                    "status": status,
                    "failures": result.failures,
                    "message": (result.message or "").strip(),
                }
            )
    data_tests, unit_tests = counts.get("test", Counter()), counts.get("unit_test", Counter())
    return {
        "model_counts": dict(counts.get("model", Counter())),
        "seed_counts": dict(counts.get("seed", Counter())),
        # both kinds together, as records before the two were kept apart have them
        "test_counts": dict(data_tests + unit_tests),
        "data_test_counts": dict(data_tests),
        "unit_test_counts": dict(unit_tests),
        "test_problems": problems,
        "models": [entry for entry in nodes if entry["kind"] == "model"],
        "nodes": [entry for entry in nodes if entry["kind"] != "model"],
    }


def other_warehouse_in_folder(layout: Layout) -> str | None:
    """The file name of another warehouse whose runs are recorded in this folder, if any.

    builds/ and runs/ belong to the folder: two warehouses in one folder would prune each
    other's kept builds and mark each other's running records interrupted. Names, not paths,
    are compared, so a folder that was moved keeps working.
    """
    for record in load_records(layout.runs):
        recorded = record.get("published_path")
        if recorded and Path(str(recorded)).name != layout.published.name:
            return Path(str(recorded)).name
    return None


def shares_folder(layout: Layout, other: str) -> ExitCode:
    """Refuse (exit 2) a warehouse whose folder holds the runs of another one."""
    print(
        f"The folder {layout.folder} already holds the runs and kept builds of another "
        f"warehouse, {other}. Each warehouse needs a folder of its own (its builds/ and runs/ "
        f"are kept there): choose another folder for {layout.published.name}.",
        file=sys.stderr,
    )
    return ExitCode.NOT_RUN
