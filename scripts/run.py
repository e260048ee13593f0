"""Build and test the lead-scoring warehouse with one `dbt build`, then print a summary (spec §7).

Usage::

    python scripts/run.py [--as-of TS] [--target NAME] [--full-refresh] [--select SPEC ...]
                          [--raw-dir DIR] [--duckdb-path FILE] [--demo-leads N]

dbt runs in-process (dbt's programmatic runner) on this project from any working directory: one
`build` loads the seeds, builds the models and runs the tests in DAG order, so a failing rule
check stops everything downstream of it. dbt's own log goes to the console as usual; the summary
after it is ours: what was built, which tests failed or warned and why (with up to 10 stored
failing rows each, e.g. the seed, rule and problem of a bad rule-table edit), and how many dirty
raw rows were dropped, flagged or ignored (from `marts.rpt_data_quality`).

Environment (a flag overrides its variable; both are passed to dbt as absolute paths):

    LEAD_SCORING_RAW_DIR      folder holding the five raw tables (default: <project>/data/demo;
                              when neither it nor --raw-dir is set and that folder has no leads
                              file, demo data is generated there first)
    LEAD_SCORING_DUCKDB_PATH  the DuckDB file
                              (default: <project>/data/warehouse/lead_scoring.duckdb)

Exit codes: 0 success (warnings allowed); 1 a seed, model, test or hook failed; 2 dbt could not
run (bad arguments, unknown target, a project that does not parse, a missing raw file).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
RAW_DIR_ENV = "LEAD_SCORING_RAW_DIR"
DUCKDB_PATH_ENV = "LEAD_SCORING_DUCKDB_PATH"
DEMO_DIR = PROJECT_DIR / "data" / "demo"
DEFAULT_DUCKDB_PATH = PROJECT_DIR / "data" / "warehouse" / "lead_scoring.duckdb"
DEMO_GENERATOR = PROJECT_DIR / "scripts" / "generate_demo_data.py"
DEMO_LEADS = 2000
DEMO_EVENTS_PER_LEAD = 20.0
DEMO_SEED = 42
DEMO_DAYS = 540

EXIT_SUCCESS = 0
EXIT_FAILED = 1
EXIT_NOT_RUN = 2

AS_OF_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"
)
FAILED_STATUSES = frozenset({"error", "fail", "runtime error", "partial success"})
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
NO_MATCH_IS_AN_ERROR = json.dumps({"error": ["NoNodesForSelectionCriteria"]})
MAX_FAILING_ROWS = 10
MAX_DATA_QUALITY_ROWS = 200
MAX_MESSAGE_LINES = 20
MAX_CELL_WIDTH = 40
MAX_LAST_CELL_WIDTH = 300


# ---------------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------------


def parse_as_of(text: str) -> str:
    """Validate an --as-of value and return it as UTC 'YYYY-MM-DD HH:MM:SS[.ffffff]'.

    Accepts YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' and ISO 8601 with T and Z (or an
    offset, converted to UTC). Raises argparse.ArgumentTypeError with what to pass instead.
    """
    candidate = text.strip()
    try:
        if not AS_OF_PATTERN.fullmatch(candidate):
            raise ValueError("unrecognised format")
        moment = datetime.fromisoformat(candidate)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a UTC timestamp ({error}): pass e.g. 2026-11-01, "
            "'2026-11-01 08:30:00' or 2026-11-01T08:30:00Z"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="microseconds" if moment.microsecond else "seconds")


def positive_int(text: str) -> int:
    """An argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 1")
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line; argparse itself exits 2 with a usage message on a bad argument."""
    parser = argparse.ArgumentParser(
        prog="scripts/run.py",
        description="Load the rule seeds, build and test the lead-scoring warehouse (dbt build).",
        epilog="Exit codes: 0 success (warnings allowed), 1 a seed, model, test or hook failed, "
        "2 dbt could not run.",
    )
    parser.add_argument(
        "--as-of",
        type=parse_as_of,
        metavar="TS",
        help="compute every output as of this UTC timestamp: YYYY-MM-DD, "
        "'YYYY-MM-DD HH:MM[:SS[.ffffff]]' or ISO 8601 with T/Z (default: the time of the run)",
    )
    parser.add_argument(
        "--target", metavar="NAME", help="dbt target in profiles.yml (default: the profile's)"
    )
    parser.add_argument(
        "--full-refresh", action="store_true", help="rebuild incremental models and seeds"
    )
    parser.add_argument(
        "--select",
        nargs="+",
        action="extend",
        metavar="SPEC",
        help="dbt node selection, passed to dbt build as is (default: everything)",
    )
    parser.add_argument(
        "--raw-dir", type=Path, metavar="DIR", help=f"raw tables folder (overrides {RAW_DIR_ENV})"
    )
    parser.add_argument(
        "--duckdb-path",
        type=Path,
        metavar="FILE",
        help=f"DuckDB file (overrides {DUCKDB_PATH_ENV})",
    )
    parser.add_argument(
        "--demo-leads",
        type=positive_int,
        metavar="N",
        help=f"leads to generate when demo data has to be generated (default {DEMO_LEADS})",
    )
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Raw data and warehouse locations
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Locations:
    """Where the raw tables are read from and where the DuckDB warehouse is written."""

    raw_dir: Path
    duckdb_path: Path
    raw_dir_configured: bool


def configured_path(flag: Path | None, env_name: str) -> Path | None:
    """The flag's path, else the environment variable's, made absolute; None when neither is set."""
    if flag is not None:
        return flag.expanduser().resolve()
    value = os.environ.get(env_name, "").strip()
    return Path(value).expanduser().resolve() if value else None


def resolve_locations(args: argparse.Namespace) -> Locations:
    """Apply flags over environment over defaults."""
    raw_dir = configured_path(args.raw_dir, RAW_DIR_ENV)
    duckdb_path = configured_path(args.duckdb_path, DUCKDB_PATH_ENV)
    return Locations(
        raw_dir=raw_dir or DEMO_DIR,
        duckdb_path=duckdb_path or DEFAULT_DUCKDB_PATH,
        raw_dir_configured=raw_dir is not None,
    )


def export_locations(locations: Locations) -> None:
    """Hand the locations to dbt (profiles.yml and the raw-source hook read the environment)."""
    os.environ[RAW_DIR_ENV] = str(locations.raw_dir)
    os.environ[DUCKDB_PATH_ENV] = str(locations.duckdb_path)
    locations.duckdb_path.parent.mkdir(parents=True, exist_ok=True)


def has_raw_leads(folder: Path) -> bool:
    """Whether the folder holds a leads table (Parquet or CSV)."""
    return any((folder / f"leads.{extension}").is_file() for extension in ("parquet", "csv"))


def load_demo_generator() -> Callable[..., dict[str, int]]:
    """`generate` of scripts/generate_demo_data.py, imported by path (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location("generate_demo_data", DEMO_GENERATOR)
    if spec is None or spec.loader is None:
        raise OSError(f"cannot load the demo data generator {DEMO_GENERATOR}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.generate


def ensure_demo_data(locations: Locations, demo_leads: int | None) -> None:
    """Generate demo data in the default folder when no raw data is configured and it has none."""
    if locations.raw_dir_configured or has_raw_leads(locations.raw_dir):
        if demo_leads is not None:
            print(
                f"--demo-leads ignored: raw data is read from {locations.raw_dir} as it is "
                f"(unset {RAW_DIR_ENV} and empty {DEMO_DIR} to regenerate demo data)."
            )
        return
    leads = demo_leads or DEMO_LEADS
    end_date = datetime.now(UTC).date()
    print(
        f"No raw data configured ({RAW_DIR_ENV} unset, no --raw-dir) and {locations.raw_dir} "
        f"has no leads file: generating demo data ({leads} leads, {DEMO_EVENTS_PER_LEAD:g} events "
        f"per lead, seed {DEMO_SEED}, ending {end_date}).",
        flush=True,
    )
    rows = load_demo_generator()(
        out_dir=locations.raw_dir,
        leads=leads,
        events_per_lead=DEMO_EVENTS_PER_LEAD,
        seed=DEMO_SEED,
        end_date=end_date,
        days=DEMO_DAYS,
        fmt="parquet",
        dirt=True,
    )
    print("Demo data written: " + ", ".join(f"{table} {count}" for table, count in rows.items()))


# ---------------------------------------------------------------------------------------------
# dbt
# ---------------------------------------------------------------------------------------------


def project_flags(target: str | None) -> list[str]:
    """The flags every dbt command gets: this project and its profiles.yml, and the target."""
    flags = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    return [*flags, "--target", target] if target else flags


def build_arguments(args: argparse.Namespace) -> list[str]:
    """The `dbt build` command line for the parsed arguments."""
    arguments = ["build", *project_flags(args.target)]
    if args.full_refresh:
        arguments.append("--full-refresh")
    if args.select:
        # A selection that matches nothing is a typo, not a successful run: make dbt stop on it.
        arguments += ["--select", *args.select, "--warn-error-options", NO_MATCH_IS_AN_ERROR]
    if args.as_of:
        arguments += ["--vars", json.dumps({"as_of": args.as_of})]
    return arguments


class DbtSession:
    """One in-process dbt runner: the build, then read-only queries through dbt's adapter.

    Queries use `dbt show --inline-direct`: the SQL goes to the adapter as is, without parsing
    the project again, and the rows come back in the ShowNode event. dbt-duckdb keeps its DuckDB
    connection open for the whole process (`keep_open`, on by default), so the queries share the
    build's connection: no second connection competes for the file. With keep_open off, dbt
    closes the file after the build and the query reopens it, which is just as safe.
    """

    def __init__(self, target: str | None) -> None:
        from dbt.cli.main import dbtRunner

        self._target = target
        self._previews: list[str] = []
        self._runner = dbtRunner(callbacks=[self._keep_preview])

    def _keep_preview(self, event: Any) -> None:
        if event.info.name == "ShowNode":
            self._previews.append(event.data.preview)

    def invoke(self, arguments: list[str]) -> Any:
        """Run one dbt command; returns dbt's dbtRunnerResult (dbt catches every exception)."""
        return self._runner.invoke(arguments)

    def query(self, sql: str, limit: int) -> list[dict[str, Any]] | None:
        """The first `limit` rows of a query as dicts, or None when the query fails."""
        self._previews.clear()
        result = self._runner.invoke(
            [
                "show",
                "--inline-direct",
                sql,
                "--limit",
                str(limit),
                "--output",
                "json",
                "--log-level",
                "none",
                *project_flags(self._target),
            ]
        )
        if not result.success or len(self._previews) != 1:
            return None
        return json.loads(self._previews[0])


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened to one node of the build."""

    kind: str
    name: str
    path: str
    status: str
    message: str
    relation: str | None
    failures: int | None

    @property
    def label(self) -> str:
        """The node as a reader finds it: kind, name and file."""
        return f"{self.kind.replace('_', ' ')} {self.name} ({self.path})"


def outcomes(run_result: Any) -> list[Outcome]:
    """The build's node results, in the order dbt ran them."""
    return [
        Outcome(
            kind=str(result.node.resource_type),
            name=result.node.name,
            path=getattr(result.node, "original_file_path", ""),
            status=str(result.status),
            message=(result.message or "").strip(),
            relation=getattr(result.node, "relation_name", None),
            failures=result.failures,
        )
        for result in run_result.results
    ]


def exit_code(result: Any) -> int:
    """0, 1 or 2 from a dbtRunnerResult (see the module docstring).

    dbt could not run when it raised (the result carries the exception and no run results):
    usage errors, an unknown target, a project or jinja template that does not parse, an
    on-run-start hook that raises (a missing raw file), a locked DuckDB file. Otherwise it ran,
    and it failed when a node errored or failed, or when dbt itself reports no success.
    """
    if result.exception is not None or result.result is None:
        return EXIT_NOT_RUN
    failed = any(str(node.status) in FAILED_STATUSES for node in result.result.results)
    return EXIT_FAILED if failed or not result.success else EXIT_SUCCESS


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
    """Up to MAX_FAILING_ROWS of a failed test's stored failures (nothing if none were stored)."""
    if node.kind != "test" or node.status != "fail" or not node.relation:
        return []
    rows = session.query(f"select * from {node.relation}", MAX_FAILING_ROWS)
    if not rows:
        return []
    shown = f"first {len(rows)} of {node.failures}" if (node.failures or 0) > len(rows) else "all"
    return [f"      failing rows ({shown}, stored in {node.relation}):", *table_lines(rows)]


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


def data_quality_lines(session: DbtSession, nodes: list[Outcome]) -> list[str]:
    """Dirty raw rows dropped, flagged or ignored, when this build built the data-quality mart."""
    built = [
        node
        for node in nodes
        if node.kind == "model" and node.name == DATA_QUALITY_MODEL and node.status == "success"
    ]
    if not built or not built[0].relation:
        return []
    rows = session.query(
        "select action, source_table, issue, row_count"
        f" from {built[0].relation} order by action, source_table, issue",
        MAX_DATA_QUALITY_ROWS,
    )
    if rows is None:
        return []
    if not rows:
        return ["Dirty raw rows: none."]
    return [f"Dirty raw rows ({DATA_QUALITY_MODEL}):", *table_lines(rows, prefix="  ")]


def summary_lines(
    session: DbtSession, args: argparse.Namespace, locations: Locations, nodes: list[Outcome]
) -> list[str]:
    """The whole summary printed after dbt's log."""
    as_of = f"{args.as_of} UTC" if args.as_of else "the time of the run"
    lines = [
        "",
        "=" * 30 + " lead scoring: run summary " + "=" * 30,
        f"  as of:      {as_of}",
        f"  target:     {args.target or 'profile default'}",
        f"  raw data:   {locations.raw_dir}",
        f"  warehouse:  {locations.duckdb_path}",
    ]
    lines += [line for kind in COUNTED_KINDS if (line := count_line(kind, nodes)) is not None]
    if not nodes:
        lines.append("  nothing selected: no node ran")
    return lines + problem_lines(session, nodes) + data_quality_lines(session, nodes)


def fatal_lines(exception: BaseException | None) -> list[str]:
    """Why dbt could not run, and what to do next where that is known."""
    if exception is None:
        return ["dbt could not run and gave no reason; see logs/dbt.log in the project."]
    message = str(exception).strip() or type(exception).__name__
    lines = ["dbt could not run:", *indented(message, prefix="  ")]
    if "Could not set lock" in message:
        lines.append(
            "  Another process has the DuckDB file open (a BI tool, a notebook, another run): "
            f"close it, or point {DUCKDB_PATH_ENV} at another file."
        )
    return lines


def result_line(code: int, nodes: list[Outcome]) -> str:
    """The last line: the verdict and the exit code."""
    if code == EXIT_SUCCESS:
        warned = sum(node.status == "warn" for node in nodes)
        return f"Result: success ({warned} warning(s)), exit 0."
    if code == EXIT_FAILED:
        failed = sum(node.status in FAILED_STATUSES for node in nodes)
        return (
            f"Result: FAILED ({failed} node(s) failed), exit 1. Fix the failures above and rerun."
        )
    return "Result: dbt could not run, exit 2."


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def start_session(target: str | None) -> DbtSession | None:
    """A dbt session, or None (after saying why) when dbt is not installed."""
    try:
        return DbtSession(target)
    except ImportError as error:
        print(f"dbt is not installed ({error}): run `make install` first.", file=sys.stderr)
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the build and print the summary; returns the exit code."""
    args = parse_args(argv)
    locations = resolve_locations(args)
    try:
        export_locations(locations)
        ensure_demo_data(locations, args.demo_leads)
    except (ImportError, OSError, ValueError) as error:
        print(f"Could not prepare the raw data or the warehouse folder: {error}", file=sys.stderr)
        return EXIT_NOT_RUN
    session = start_session(args.target)
    if session is None:
        return EXIT_NOT_RUN
    result = session.invoke(build_arguments(args))
    code = exit_code(result)
    if code == EXIT_NOT_RUN:
        sys.stdout.flush()  # keep dbt's log (stdout) before our message in a combined log
        print("\n".join(["", *fatal_lines(result.exception)]), file=sys.stderr, flush=True)
        print(result_line(code, []))
        return code
    nodes = outcomes(result.result)
    print("\n".join([*summary_lines(session, args, locations, nodes), result_line(code, nodes)]))
    return code


if __name__ == "__main__":
    sys.exit(main())
