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
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RECORD_SUFFIX = ".json"
LOG_SUFFIX = ".log"
OUTCOME_RUNNING = "running"
OUTCOME_INTERRUPTED = "interrupted"
SUCCESSFUL_BUILD_OUTCOMES = frozenset({"published"})


def process_is_alive(pid: Any) -> bool:
    """Whether a process with this pid exists on this machine."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
        now = datetime.now(UTC)
        started = datetime.fromisoformat(self.data["started_at"])
        self.data.update(
            outcome=outcome,
            exit_code=exit_code,
            finished_at=now.isoformat(timespec="milliseconds"),
            duration_seconds=round((now - started).total_seconds(), 3),
        )
        self.data["message"] = message or None
        self.save()

    def save(self) -> None:
        """Write the record atomically; a full disk or a read-only folder is reported in one
        line (the run's own outcome matters more than its record, which then stays as it was)."""
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(self.data, indent=2, default=str) + "\n")
            os.replace(temporary, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            print(
                f"Could not write the run record {self.path}: {error.strerror or error}",
                file=sys.stderr,
            )


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


# ---------------------------------------------------------------------------------------------
# history
# ---------------------------------------------------------------------------------------------


def short_time(text: Any) -> str:
    """'2026-11-23 02:15:00' from an ISO timestamp ('' when missing)."""
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def duration_text(seconds: Any) -> str:
    if not isinstance(seconds, int | float):
        return ""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes else f"{rest}s"


def count_text(counts: Any, *keys: str) -> str:
    """'180/5/0' from {'pass': 180, 'warn': 5, 'fail': 0} for keys pass, warn, fail."""
    if not isinstance(counts, dict):
        return ""
    return "/".join(str(counts.get(key, 0)) for key in keys)


def test_count_text(counts: Any) -> str:
    """pass/warn/fail, a test that errored (its query failed) counted as failed."""
    if not isinstance(counts, dict):
        return ""
    failed = int(counts.get("fail", 0)) + int(counts.get("error", 0))
    return f"{counts.get('pass', 0)}/{counts.get('warn', 0)}/{failed}"


def change_text(comparison: dict[str, Any], key: str) -> str:
    """'89->16' for one count of a record's comparison with the build it replaced."""
    values = comparison.get(key) or {}
    if values.get("before") is None or values.get("after") is None:
        return ""
    return f"{values['before']}->{values['after']}"


def new_mql_text(data: dict[str, Any]) -> str:
    """MQL entries the run's build has and the build it replaced had not."""
    if "comparison" in data:
        count = (data["comparison"] or {}).get("new_mql_entries")
    else:  # a record written before comparisons: its count of new MQLs
        count = (data.get("new_mqls") or {}).get("count")
    return "" if count is None else str(count)


def history_row(data: dict[str, Any], published_run_id: str | None) -> dict[str, str]:
    """One line of `history` for one record."""
    dirty = data.get("dirty_rows") or {}
    comparison = data.get("comparison") or {}
    outcome = str(data.get("outcome", ""))
    if data.get("command") == "rollback" and data.get("rolled_back_to"):
        outcome = f"{outcome} to {data['rolled_back_to']}"
    return {
        "": "*" if data.get("run_id") == published_run_id else "",
        "run id": str(data.get("run_id", "")),
        "command": str(data.get("command", "")),
        "started (UTC)": short_time(data.get("started_at")),
        "took": duration_text(data.get("duration_seconds")),
        "as of (UTC)": short_time(data.get("as_of")),
        "outcome": outcome,
        "exit": "" if data.get("exit_code") is None else str(data["exit_code"]),
        "models ok/err/skip": count_text(data.get("model_counts"), "success", "error", "skipped"),
        "tests pass/warn/fail": test_count_text(data.get("test_counts")),
        "dropped": "" if dirty.get("dropped") is None else str(dirty["dropped"]),
        "meeting MQL criteria": change_text(comparison, "leads_meeting_mql_criteria"),
        "new MQLs": new_mql_text(data),
    }


def history_lines(
    records: list[dict[str, Any]], limit: int, published_run_id: str | None
) -> list[str]:
    """The newest `limit` records as a table, newest first."""
    chosen = list(reversed(records))[:limit]
    if not chosen:
        return ["No runs recorded yet."]
    rows = [history_row(data, published_run_id) for data in chosen]
    columns = list(rows[0])
    widths = {column: max(len(column), *(len(row[column]) for row in rows)) for column in columns}
    lines = ["  ".join(column.ljust(widths[column]) for column in columns).rstrip()]
    lines.append("  ".join("-" * widths[column] for column in columns).rstrip())
    lines += ["  ".join(row[c].ljust(widths[c]) for c in columns).rstrip() for row in rows]
    return lines
