"""The run's summary, printed after its steps: what was built and tested, what failed or warned
and why (with failing rows), the dirty raw rows, and the verdict line.

It speaks to an analyst: a warning is said in words, once. A test that warns about dirt in the
raw data names the rows of rpt_data_quality it reports in its meta (DIRTY_ROWS_META), and is
shown as those rows, with the table's words and counts; any other warning shows its test's
description, from its yml. tests/project_structure.py holds every test that can warn to one
of the two.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from lead_scoring.arguments import BuildOptions
from lead_scoring.dbt_session import FAILED_STATUSES, DbtSession, Outcome, target_name
from lead_scoring.demo_marker import has_deliberate_dirt
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
# a test's meta naming the rows of rpt_data_quality it reports:
# {source_table: events, issues: [duplicate_key]}
DIRTY_ROWS_META = "dirty_rows"
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


def failing_rows_lines(session: DbtSession, node: Outcome) -> list[str]:
    """Up to MAX_FAILING_ROWS of a failed or warned test's rows: its compiled query, run again.

    Tests store no failures (dbt_project.yml: a table per test cost seconds every run), so the
    rows are those the test's query finds now, in the build that it failed.
    """
    if node.kind != "test" or node.status not in ("fail", "warn") or not node.compiled_sql:
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


def failed_lines(session: DbtSession, nodes: list[Outcome]) -> list[str]:
    """The failed nodes, with dbt's messages and their failing rows."""
    failed = [node for node in nodes if node.status in FAILED_STATUSES]
    if not failed:
        return []
    lines = [f"Failed ({len(failed)}):"]
    for node in failed:
        lines += [f"  - {node.label}", *indented(node.message)]
        lines += failing_rows_lines(session, node)
    return lines


def reported_dirty_rows(node: Outcome) -> set[tuple[str, str]]:
    """The (raw table, issue) rows of rpt_data_quality a test reports: its meta DIRTY_ROWS_META."""
    reported = node.meta.get(DIRTY_ROWS_META)
    if not isinstance(reported, Mapping) or not reported.get("source_table"):
        return set()
    return {(str(reported["source_table"]), str(issue)) for issue in reported.get("issues") or []}


def dirty_row_key(row: Mapping[str, Any]) -> tuple[str, str]:
    return str(row.get("source_table")), str(row.get("issue"))


def split_warnings(
    warned: list[Outcome], rows: list[dict[str, Any]] | None
) -> tuple[list[Outcome], list[Outcome]]:
    """The warned tests that report a row of rpt_data_quality that this build has, and the
    others. The summary shows the first as those rows, once, with the table's count (a test's
    own may count otherwise: accepted_values counts the distinct unknown values, not the rows)."""
    present = {dirty_row_key(row) for row in rows or []}
    about_rows = [node for node in warned if reported_dirty_rows(node) & present]
    others = [node for node in warned if not reported_dirty_rows(node) & present]
    return about_rows, others


def warning_words(node: Outcome) -> str:
    """What a warned test found, in words: its description, else the dirty rows it reports."""
    if node.description:
        return " ".join(node.description.split())
    reported = sorted(reported_dirty_rows(node))
    if reported:
        table = reported[0][0]
        return f"raw {table} rows that are " + " or ".join(issue for _, issue in reported)
    return node.message


def warned_lines(
    session: DbtSession, about_dirty_rows: list[Outcome], others: list[Outcome]
) -> list[str]:
    """Every warning once: those about dirty raw rows are counted here and shown as the rows
    they report (data_quality_lines); the others each in words, with their rows."""
    total = len(about_dirty_rows) + len(others)
    if not total:
        return []
    marked = "about the dirty raw rows below, in the rows marked warned"
    if not others:
        return [f"Warned ({total}): all {marked}."]
    if not about_dirty_rows:
        lines = [f"Warned ({total}):"]
    else:
        lines = [f"Warned ({total}): {len(about_dirty_rows)} {marked}, and these:"]
    for node in others:
        found = counted(node.failures or 0, "row", "rows")
        lines += [
            f"  - {warning_words(node)}",
            f"    {node.kind.replace('_', ' ')} {node.name} in {node.path} found {found}.",
        ]
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
        "select action, source_table, issue, row_count, description"
        f" from {built[0].relation} order by action, source_table, issue",
        MAX_DATA_QUALITY_ROWS,
    )


def data_quality_lines(
    rows: list[dict[str, Any]] | None, warnings: list[Outcome], deliberate: bool
) -> list[str]:
    """Dirty raw rows dropped, flagged or ignored, one line per kind of dirt in words, when this
    build built the data-quality mart; `warnings`: the warned tests that report these rows;
    `deliberate`: the raw data is demo data, dirty on purpose."""
    if rows is None:
        return []
    if not rows:
        return ["Dirty raw rows: none."]
    lines = [f"Dirty raw rows, as marts.{DATA_QUALITY_MODEL} counts them:"]
    if deliberate:
        these = "these rows, and the warnings about them," if warnings else "these rows"
        lines.append(
            f"  The raw data is generated demo data, dirty on purpose: {these} are its "
            "deliberate dirt."
        )
    warned = set().union(*(reported_dirty_rows(node) for node in warnings))
    shown = []
    for row in rows:
        line = {"action": row.get("action"), "issue": row.get("issue")}
        if warnings:
            line["warned"] = "warned" if dirty_row_key(row) in warned else ""
        line["rows"] = row.get("row_count")
        line["raw table"] = row.get("source_table")
        line["what was wrong"] = row.get("description")
        shown.append(line)
    return [*lines, *table_lines(shown, prefix="  ")]


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
    dirty_rows: list[dict[str, Any]] | None = None,
) -> list[str]:
    """The whole summary printed after the run's steps: header, counts, failures, warnings and
    the dirty raw rows (rpt_data_quality's rows, None when this build did not build it)."""
    lines = header_lines(options, state, locations, header)
    lines += [line for kind in COUNTED_KINDS if (line := count_line(kind, nodes)) is not None]
    if nodes and state.leaves_out_unit_tests:
        lines.append(
            f"  {'unit tests:':<12}left out (they passed on this code in the published build)"
        )
    if not nodes:
        lines.append("  nothing selected: no node ran")
    about_dirt, others = split_warnings(
        [node for node in nodes if node.status == "warn"], dirty_rows
    )
    deliberate = has_deliberate_dirt(locations.raw_dir)
    return [
        *lines,
        *failed_lines(session, nodes),
        *warned_lines(session, about_dirt, others),
        *data_quality_lines(dirty_rows, about_dirt, deliberate),
    ]


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
