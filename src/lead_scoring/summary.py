"""The run's summary, printed after its steps: what was built and tested, what failed or warned
and why (with failing rows), the dirty raw rows, and the verdict line."""

from __future__ import annotations

from collections import Counter
from typing import Any

from lead_scoring.arguments import BuildOptions
from lead_scoring.dbt_session import FAILED_STATUSES, DbtSession, Outcome, target_name
from lead_scoring.exit_codes import ExitCode
from lead_scoring.locations import DUCKDB_PATH_ENV, Locations
from lead_scoring.run_state import RunState

BUILT = (("success", "built"), ("error", "errored"), ("skipped", "skipped"))
TESTED = (("pass", "passed"), ("warn", "warned"), ("fail", "failed"), ("skipped", "skipped"))
COUNTED_KINDS = {
    "seed": ("seeds", BUILT),
    "model": ("models", BUILT),
    "snapshot": ("snapshots", BUILT),
    "test": ("tests", TESTED),
    "unit_test": ("unit tests", TESTED),
    "operation": ("hooks", (("success", "ran"), ("error", "errored"))),
}
DATA_QUALITY_MODEL = "rpt_data_quality"
MAX_FAILING_ROWS = 10
MAX_DATA_QUALITY_ROWS = 200
MAX_MESSAGE_LINES = 20
MAX_CELL_WIDTH = 40
MAX_LAST_CELL_WIDTH = 300


def count_line(kind: str, nodes: list[Outcome]) -> str | None:
    """'  models:     33 built, 0 errored, 2 skipped' for one kind of node; None when none ran."""
    title, words = COUNTED_KINDS[kind]
    counts = Counter(node.status for node in nodes if node.kind == kind)
    if not counts:
        return None
    named = dict(words)
    statuses = [*named, *sorted(set(counts) - set(named))]
    parts = [f"{counts[status]} {named.get(status, status)}" for status in statuses]
    return f"  {title + ':':<12}" + ", ".join(parts)


def indented(text: str, prefix: str = "      ") -> list[str]:
    """A (possibly long) message as indented lines, cut after MAX_MESSAGE_LINES."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_MESSAGE_LINES:
        lines = [*lines[:MAX_MESSAGE_LINES], "..."]
    return [prefix + line for line in lines]


def cell(value: Any, width: int) -> str:
    """One table cell: empty for null, cut to `width` characters."""
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def table_lines(rows: list[dict[str, Any]], prefix: str = "      ") -> list[str]:
    """Rows as a plain-text table with a header; numbers right-aligned, the last column uncut."""
    columns = list(rows[0])
    limits = [MAX_CELL_WIDTH] * (len(columns) - 1) + [MAX_LAST_CELL_WIDTH]
    cells = [
        [cell(row.get(c), limit) for c, limit in zip(columns, limits, strict=True)] for row in rows
    ]
    widths = [
        max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)
    ]
    numeric = [
        all(isinstance(row.get(column), int | float) for row in rows if row.get(column) is not None)
        for column in columns
    ]

    def line(values: list[str]) -> str:
        parts = [
            value.rjust(width) if is_number else value.ljust(width)
            for value, width, is_number in zip(values, widths, numeric, strict=True)
        ]
        return (prefix + "  ".join(parts)).rstrip()

    return [line(columns), line(["-" * width for width in widths]), *map(line, cells)]


# the folder of the data tests that check the rule tables (seeds)
SEED_VALIDATION_TESTS = "data-tests/seed_validation/"


def failing_rows_lines(session: DbtSession, node: Outcome) -> list[str]:
    """Up to MAX_FAILING_ROWS of a failed test's failing rows: its compiled query, run again.

    Tests store no failures (dbt_project.yml: a table per test cost seconds every run), so the
    rows are those the test's query finds now, in the build that it failed.
    """
    # a rule-table check that only warns explains itself in its rows too
    advice = node.status == "warn" and node.path.startswith(SEED_VALIDATION_TESTS)
    if node.kind != "test" or not (node.status == "fail" or advice) or not node.compiled_sql:
        return []
    rows = session.query(node.compiled_sql, MAX_FAILING_ROWS)
    if not rows:
        return []
    # A test may return fewer rows than its failures count (e.g. one summary row of N dirty rows).
    shown = "all"
    if len(rows) == MAX_FAILING_ROWS:
        shown = f"first {len(rows)}"
        shown += f" of {node.failures}" if (node.failures or 0) > len(rows) else ""
    title = "rows" if node.status == "warn" else "failing rows"
    return [f"      {title} ({shown}):", *table_lines(rows)]


def problem_lines(session: DbtSession, nodes: list[Outcome]) -> list[str]:
    """The failed nodes (with their failing rows) and the warned ones, with dbt's messages."""
    lines: list[str] = []
    for title, wanted in (("Failed", FAILED_STATUSES), ("Warned", frozenset({"warn"}))):
        chosen = [node for node in nodes if node.status in wanted]
        if not chosen:
            continue
        lines.append(f"{title} ({len(chosen)}):")
        for node in chosen:
            lines += [f"  - {node.label}", *indented(node.message)]
            lines += failing_rows_lines(session, node)
    return lines


def counted(number: int, one: str, many: str) -> str:
    """'1 test', '13 tests'."""
    return f"{number} {one if number == 1 else many}"


def data_quality_rows(session: DbtSession, nodes: list[Outcome]) -> list[dict[str, Any]] | None:
    """rpt_data_quality's rows when this build built it (None when it did not or cannot tell)."""
    built = [
        node
        for node in nodes
        if node.kind == "model" and node.name == DATA_QUALITY_MODEL and node.status == "success"
    ]
    if not built or not built[0].relation:
        return None
    return session.query(
        "select action, source_table, issue, row_count"
        f" from {built[0].relation} order by action, source_table, issue",
        MAX_DATA_QUALITY_ROWS,
    )


def data_quality_lines(rows: list[dict[str, Any]] | None) -> list[str]:
    """Dirty raw rows dropped, flagged or ignored, when this build built the data-quality mart."""
    if rows is None:
        return []
    if not rows:
        return ["Dirty raw rows: none."]
    return [f"Dirty raw rows ({DATA_QUALITY_MODEL}):", *table_lines(rows, prefix="  ")]


def dirty_row_totals(rows: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """{'dropped': n, 'flagged': n, 'ignored': n, 'by_issue': rows} for the run record."""
    if rows is None:
        return None
    totals: dict[str, Any] = {"dropped": 0, "flagged": 0, "ignored": 0}
    for row in rows:
        action = str(row.get("action"))
        totals[action] = totals.get(action, 0) + int(row.get("row_count") or 0)
    totals["by_issue"] = rows
    return totals


def summary_lines(
    session: DbtSession,
    options: BuildOptions,
    state: RunState,
    locations: Locations,
    nodes: list[Outcome],
    header: list[str] | None = None,
) -> list[str]:
    """The whole summary printed after the run's steps (header, counts, problems)."""
    lines = header_lines(options, state, locations, header)
    lines += [line for kind in COUNTED_KINDS if (line := count_line(kind, nodes)) is not None]
    if nodes and state.leaves_out_unit_tests:
        lines.append(
            f"  {'unit tests:':<12}left out (they passed on this code in the published build)"
        )
    if not nodes:
        lines.append("  nothing selected: no node ran")
    return lines + problem_lines(session, nodes)


def header_lines(
    options: BuildOptions, state: RunState, locations: Locations, extra: list[str] | None = None
) -> list[str]:
    """The summary's first lines: the banner, as_of, target, raw data, warehouse, and `extra`."""
    as_of = f"{state.as_of} UTC"
    if state.as_of_is_run_time:
        as_of += " (the time of the run)"
    return [
        "",
        "=" * 30 + " lead scoring: run summary " + "=" * 30,
        f"  as of:      {as_of}",
        f"  target:     {target_name(options.target, locations.project_dir)}",
        f"  raw data:   {locations.raw_dir}",
        f"  warehouse:  {locations.duckdb_path}",
        *(extra or []),
    ]


def fatal_lines(exception: BaseException | None) -> list[str]:
    """Why dbt could not run, and what to do next where that is known."""
    if exception is None:
        return ["dbt could not run and gave no reason; see dbt.log in the run's build folder."]
    message = str(exception).strip() or type(exception).__name__
    lines = ["dbt could not run:", *indented(message, prefix="  ")]
    if "Could not set lock" in message:
        lines.append(
            "  Another process has the DuckDB file open read-write (a notebook, another tool): "
            f"close it, or point {DUCKDB_PATH_ENV} at another file."
        )
    return lines


def result_line(code: ExitCode, nodes: list[Outcome], reason: str | None = None) -> str:
    """The last line: the verdict and the exit code."""
    if code == ExitCode.SUCCESS:
        warned = sum(node.status == "warn" for node in nodes)
        if not warned:
            return "Result: success, exit 0."
        return f"Result: success with {counted(warned, 'warning', 'warnings')}, exit 0."
    if code == ExitCode.FAILED:
        if reason:
            return f"Result: FAILED, exit 1: {reason.rstrip('.')}. Nothing was published."
        failed = sum(node.status in FAILED_STATUSES for node in nodes)
        return (
            f"Result: FAILED, exit 1: {counted(failed, 'node', 'nodes')} failed. Fix the failures "
            "above and rerun."
        )
    if code == ExitCode.LOCKED:
        return "Result: another run holds the lock, exit 3."
    return "Result: dbt could not run, exit 2."
