"""`lead-scoring history`: the last runs, newest first, from the run records, and what is
published now."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from lead_scoring import publishing, run_records
from lead_scoring.arguments import HistoryOptions
from lead_scoring.exit_codes import ExitCode
from lead_scoring.locations import project_dir, published_path
from lead_scoring.rollback import kept_builds


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


# the record's counts by status of each kind of test, and the kind in its `nodes`
TEST_KINDS = {
    "data tests": ("data_test_counts", "test"),
    "unit tests": ("unit_test_counts", "unit_test"),
}


def kind_counts(data: dict[str, Any], kind: str) -> dict[str, int] | None:
    """One kind of test's counts by status: the record's own, else counted from its nodes (a
    record written before data and unit tests were counted apart); None when the record has
    neither (dbt did not run)."""
    field, node_kind = TEST_KINDS[kind]
    if isinstance(data.get(field), dict):
        return data[field]
    nodes = data.get("nodes")
    if not isinstance(nodes, list):
        return None
    return dict(Counter(str(node.get("status")) for node in nodes if node.get("kind") == node_kind))


def failed_count(counts: dict[str, Any]) -> int:
    """Tests that failed, a test that errored (its query failed) among them."""
    return int(counts.get("fail", 0)) + int(counts.get("error", 0))


def data_test_text(data: dict[str, Any]) -> str:
    """pass/warn/fail of the data tests."""
    counts = kind_counts(data, "data tests")
    if counts is None:
        return ""
    return f"{counts.get('pass', 0)}/{counts.get('warn', 0)}/{failed_count(counts)}"


def unit_test_text(data: dict[str, Any]) -> str:
    """pass/fail of the unit tests, or why none ran: a run leaves them out when they passed on
    its code in the published build, so a count beside 'left out' is no lost test."""
    counts = kind_counts(data, "unit tests")
    if counts is None:
        return ""
    if not counts:
        return "left out" if data.get("unit_tests") == "left out" else "none"
    return f"{counts.get('pass', 0)}/{failed_count(counts)}"


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
        "data tests pass/warn/fail": data_test_text(data),
        "unit tests pass/fail": unit_test_text(data),
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


def history_command(options: HistoryOptions) -> int:
    """Print the last runs (newest first) and what is published."""
    layout = publishing.Layout(
        published_path(project_dir(options.project_dir), options.duckdb_path)
    )
    records = run_records.load_records(layout.runs)
    if options.json:
        print(json.dumps(list(reversed(records))[: options.n], indent=2, default=str))
        return ExitCode.SUCCESS
    info = publishing.read_build_info(layout.published)
    published_run = str(info["run_id"]) if info and info.get("run_id") else None
    print(f"Published warehouse: {layout.published}")
    if info:
        print(
            f"  now:   run {published_run}, as of {info.get('as_of')}, built {info.get('built_at')}"
        )
    elif layout.published.exists():
        print("  now:   a file without a build stamp (not published by lead-scoring)")
    else:
        print("  now:   nothing published yet")
    kept = kept_builds(layout)
    print(f"  kept for rollback: {', '.join(kept) if kept else 'none'}")
    backfills = sorted(
        path.parent.name for path in layout.backfills.glob(f"*/{layout.published.name}")
    )
    if backfills:
        print(f"  backfills (not published): {', '.join(backfills)} in {layout.backfills}")
    print(f"  records: {layout.runs}")
    print()
    print("\n".join(history_lines(records, options.n, published_run)))
    return ExitCode.SUCCESS
