"""Build, test and publish the lead-scoring warehouse; roll back; show the run history (spec §7).

Usage::

    python scripts/run.py [--as-of TS [--replace-published]] [--target NAME] [--full-refresh]
                          [--select SPEC ...] [--raw-dir DIR] [--duckdb-path FILE]
                          [--demo-leads N] [--skip-freshness] [--hash-pii] [--keep N]
                          [--max-dirty-row-share F]
    python scripts/run.py rollback [--to RUN_ID] [--duckdb-path FILE]
    python scripts/run.py history [-n N] [--json] [--duckdb-path FILE]

The default command (also spelled `build`) is one production run, safe to schedule:

1. It takes the run lock (`<warehouse>.lock`, a flock held for the whole run): a second run
   started meanwhile exits at once with code 3. The kernel drops the lock of a killed run.
2. It checks source freshness (`dbt source freshness`, thresholds in
   models/staging/_raw__sources.yml): an error fails the run, a warning is reported. Skipped for
   --as-of backfills (freshness is measured against now) and with --skip-freshness.
3. It runs one `dbt build` (dbt's programmatic runner, in-process) into a fresh database file,
   `<warehouse folder>/builds/<run_id>/<warehouse file name>`, never into the published file.
   A --select build starts from a copy of the published file, so the models it does not select
   keep their published tables.
4. Only when every seed, model and test passed, it stamps the build (table ops.build_info),
   checkpoints and closes it, checks that its views work, and publishes it: a hard link (or,
   where the file system has none, a copy) next to the published file renamed over it in one
   atomic step. Readers that have the old file open keep
   reading it; new connections get the new one. A failure, a crash or a kill before that leaves
   the published file as it was. The last --keep successful builds stay in builds/ for
   `rollback`. Before that it compares the build with the file it replaces: leads meeting the
   MQL criteria, leads per stage and MQL entries, before and after.
   A backfill, an --as-of earlier than the published build's, is not published: it is written
   the same way to its own file, `<warehouse folder>/backfills/as_of-<as_of>/<file name>`,
   and the published warehouse, its kept builds and the link dbt opens builds by stay as they
   are. --replace-published publishes it over the published warehouse instead.
   Files are written in the DuckDB storage format profiles.yml names (config_options),
   so DuckDB readers older than the one that builds open them (scripts/storage_format.py).
5. It writes the run record `<warehouse folder>/runs/<run_id>.json` (timings, test results,
   dirty rows, the comparison) and the readable log `runs/<run_id>.log`; `history` lists them.

dbt's log goes to the console as usual (and its debug log to builds/<run_id>/dbt.log); the
summary after it is ours: what was built, which tests failed or warned and why (with up to 10
failing rows each, e.g. the seed, rule and problem of a bad rule-table edit, or the raw
table and share of a broken column), how many dirty raw rows were dropped, flagged or ignored,
and what was published. docs/operations.md describes running it in production.

On a target that is not DuckDB (a server warehouse) there is no file to swap: the build runs in
place, with the same lock, freshness check and run record.

Environment (a flag overrides its variable; both are passed to dbt as absolute paths):

    LEAD_SCORING_RAW_DIR      folder holding the five raw tables (default: <project>/data/demo;
                              when neither it nor --raw-dir is set and that folder has no leads
                              file, demo data is generated there first)
    LEAD_SCORING_DUCKDB_PATH  the published DuckDB file
                              (default: <project>/data/warehouse/lead_scoring.duckdb)

Exit codes: 0 success (warnings allowed; published); 1 a seed, model, test, hook or the source
freshness check failed, or the build could not be published (nothing published); 2 dbt could
not run (bad arguments, unknown target, a project that does not parse, a missing or empty raw
file or column), the warehouse folder cannot be written (also when it becomes unwritable during
the run: the run stops at its next line, says so in one line and ends with its Result line), or
there is nothing to roll back to; 3 another run holds the lock.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import csv
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import secrets
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SCRIPTS_DIR = Path(__file__).resolve().parent
if str(SCRIPTS_DIR) not in sys.path:
    sys.path.insert(0, str(SCRIPTS_DIR))

import build_comparison  # noqa: E402  (a sibling module; scripts/ is no package)
import profile_settings  # noqa: E402
import publishing  # noqa: E402
import raw_files  # noqa: E402
import run_records  # noqa: E402
import storage_format  # noqa: E402

PROJECT_DIR = SCRIPTS_DIR.parent
RAW_DIR_ENV = "LEAD_SCORING_RAW_DIR"
DUCKDB_PATH_ENV = "LEAD_SCORING_DUCKDB_PATH"
TARGET_ENV = "LEAD_SCORING_TARGET"
# The run's as_of and incremental cutoff reach dbt through these, not --vars: dbt parses the
# whole project again (3-4 s) whenever --vars change, and these change every run. The macros
# read them only when dbt runs a node (macros/as_of.sql, macros/incremental.sql), so dbt reuses
# the previous run's parse (docs/operations.md "Parsing once"). A --vars value still wins.
RUN_AS_OF_ENV = "LEAD_SCORING_RUN_AS_OF"
RUN_INCREMENTAL_SINCE_ENV = "LEAD_SCORING_RUN_INCREMENTAL_SINCE"
DEMO_DIR = PROJECT_DIR / "data" / "demo"
DEFAULT_DUCKDB_PATH = PROJECT_DIR / "data" / "warehouse" / "lead_scoring.duckdb"
DEMO_GENERATOR = PROJECT_DIR / "scripts" / "generate_demo_data.py"
DEMO_LEADS = 2000
DEMO_EVENTS_PER_LEAD = 20.0
DEMO_SEED = 42
DEMO_DAYS = 540
DEFAULT_KEEP = 5
DEFAULT_LOOKBACK_DAYS = 3.0
# What the warehouse's tables are computed from besides the raw data: a change to any of these
# makes the next run a full build (an incremental run would keep rows computed the old way).
FINGERPRINTED = ("models", "macros", "seeds", "dbt_project.yml")
# What the unit tests exercise: not the rule seeds (each unit test gives its model's inputs, the
# seeds' own included), but the engine that runs them
UNIT_TESTED = ("models", "macros", "dbt_project.yml")
UNIT_TESTED_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")
WATERMARK_SQL = (
    "select max(scored_at) from intermediate.int_lead_evaluation_instants where is_event_instant"
)
DEFAULT_HISTORY = 20

EXIT_SUCCESS = 0
EXIT_FAILED = 1
EXIT_NOT_RUN = 2
EXIT_LOCKED = 3
# the shell's code for a run stopped by SIGINT (Ctrl-C): 128 + 2
EXIT_INTERRUPTED = 130
SUBCOMMANDS = ("build", "rollback", "history")

AS_OF_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"
)
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
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
PUBLISHED_SCHEMAS_WITHOUT_PII = ("marts", publishing.BUILD_INFO_SCHEMA)
NO_MATCH_IS_AN_ERROR = json.dumps({"error": ["NoNodesForSelectionCriteria"]})
MAX_FAILING_ROWS = 10
MAX_DATA_QUALITY_ROWS = 200
MAX_MESSAGE_LINES = 20
MAX_CELL_WIDTH = 40
MAX_LAST_CELL_WIDTH = 300
SECONDS_PER_DAY = 86400


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


def number_within(text: str, low: float, high: float, expected: str) -> float:
    """Parse an argparse number in [low, high]; `expected` says what to pass instead."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{text!r} is not {expected}")
    return value


def non_negative_float(text: str) -> float:
    """An argparse type: a number of days from 0 to 36500 (a lookback)."""
    return number_within(text, 0.0, 36500.0, "a number of days from 0 to 36500, e.g. 3")


def share(text: str) -> float:
    """An argparse type: a number between 0 and 1."""
    return number_within(text, 0.0, 1.0, "a share between 0 and 1, e.g. 0.05")


def add_warehouse_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--duckdb-path",
        type=Path,
        metavar="FILE",
        help=f"the published DuckDB file (overrides {DUCKDB_PATH_ENV})",
    )


EXIT_CODES_HELP = (
    "Exit codes: 0 success (warnings allowed), 1 a seed, model, test or freshness check failed "
    "or the build was not published, 2 dbt could not run or the warehouse folder cannot be "
    "written (also when it becomes unwritable during the run), 3 another run holds the lock. "
    "Subcommands: `rollback [--to RUN_ID]` republishes a kept build; `history [-n N]` lists "
    "the last runs."
)


def build_parser() -> argparse.ArgumentParser:
    """The default command: build, test and publish."""
    parser = argparse.ArgumentParser(
        prog="scripts/run.py",
        description="Load the rule seeds, build and test the lead-scoring warehouse (dbt build) "
        "into a fresh file, and publish it when everything passed.",
        epilog=EXIT_CODES_HELP,
    )
    parser.add_argument(
        "--as-of",
        type=parse_as_of,
        metavar="TS",
        help="compute every output as of this UTC timestamp: YYYY-MM-DD, "
        "'YYYY-MM-DD HH:MM[:SS[.ffffff]]' or ISO 8601 with T/Z (default: the time of the run); "
        "a backfill: source freshness is not checked, and when TS is earlier than the published "
        "build's as_of the build goes to its own file, <warehouse folder>/backfills/as_of-<TS>/, "
        "and the published warehouse stays as it is (see --replace-published)",
    )
    parser.add_argument(
        "--replace-published",
        action="store_true",
        help="publish a backfill (an --as-of earlier than the published build's) over the "
        "published warehouse, so that BI sees that earlier state (undo with `rollback`)",
    )
    parser.add_argument(
        "--target", metavar="NAME", help="dbt target in profiles.yml (default: the profile's)"
    )
    parser.add_argument(
        "--full-refresh", action="store_true", help="rebuild incremental models and seeds"
    )
    parser.add_argument(
        "--unit-tests",
        action="store_true",
        help="run the dbt unit tests even when they passed on this code in the published "
        "build (by default a run leaves them out then: they test the code, not the data)",
    )
    parser.add_argument(
        "--lookback-days",
        type=non_negative_float,
        default=DEFAULT_LOOKBACK_DAYS,
        metavar="D",
        help="an incremental run recomputes everything from the published warehouse's latest "
        "event minus D days, picking up events that arrived late "
        f"(default {DEFAULT_LOOKBACK_DAYS:g})",
    )
    parser.add_argument(
        "--select",
        nargs="+",
        action="extend",
        metavar="SPEC",
        help="dbt node selection, passed to dbt build as is (default: everything); starts "
        "from a copy of the published warehouse",
    )
    parser.add_argument(
        "--raw-dir", type=Path, metavar="DIR", help=f"raw tables folder (overrides {RAW_DIR_ENV})"
    )
    add_warehouse_argument(parser)
    parser.add_argument(
        "--demo-leads",
        type=positive_int,
        metavar="N",
        help=f"leads to generate when demo data has to be generated (default {DEMO_LEADS})",
    )
    parser.add_argument(
        "--skip-freshness",
        action="store_true",
        help="do not run `dbt source freshness` before the build",
    )
    parser.add_argument(
        "--hash-pii",
        action="store_true",
        help="publish marts only, with emails replaced by sha256 hashes of the lower-cased "
        "address (dbt var hash_pii), for audiences that must not see them",
    )
    parser.add_argument(
        "--keep",
        type=positive_int,
        default=DEFAULT_KEEP,
        metavar="N",
        help=f"successful builds kept for rollback (default {DEFAULT_KEEP})",
    )
    parser.add_argument(
        "--max-dirty-row-share",
        type=share,
        metavar="F",
        help="fail when more than this share of a raw table's rows have one data-quality "
        "issue (dbt var max_dirty_row_share, default 0.05)",
    )
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The default command's arguments; argparse itself exits 2 on a bad argument."""
    args = build_parser().parse_args(argv)
    args.command = "build"
    return args


def parse_rollback_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/run.py rollback",
        description="Publish a kept build again, atomically: by default the newest kept build "
        "older than the one published now.",
        epilog="Exit codes: 0 republished, 2 nothing to roll back to, 3 a run holds the lock.",
    )
    parser.add_argument("--to", metavar="RUN_ID", help="the kept build to publish (see history)")
    add_warehouse_argument(parser)
    args = parser.parse_args(argv)
    args.command = "rollback"
    return args


def parse_history_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/run.py history",
        description="The last runs, newest first, from the run records; * marks the build "
        "published now.",
    )
    parser.add_argument(
        "-n",
        type=positive_int,
        default=DEFAULT_HISTORY,
        metavar="N",
        help=f"how many runs (default {DEFAULT_HISTORY})",
    )
    parser.add_argument("--json", action="store_true", help="print the records as JSON")
    add_warehouse_argument(parser)
    args = parser.parse_args(argv)
    args.command = "history"
    return args


def parse_command_line(argv: Sequence[str]) -> argparse.Namespace:
    """Dispatch on an optional first word: build (default), rollback or history."""
    if argv and argv[0] == "rollback":
        return parse_rollback_args(argv[1:])
    if argv and argv[0] == "history":
        return parse_history_args(argv[1:])
    if argv and argv[0] == "build":
        return parse_args(argv[1:])
    return parse_args(argv)


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
    """Whether the folder holds a leads table, in any layout (a file or a folder of parts)."""
    return bool(raw_files.layouts_present(folder, "leads"))


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


def published_path(args: argparse.Namespace) -> Path:
    """The published warehouse file: --duckdb-path, else the environment, else the default."""
    return configured_path(args.duckdb_path, DUCKDB_PATH_ENV) or DEFAULT_DUCKDB_PATH


# ---------------------------------------------------------------------------------------------
# dbt
# ---------------------------------------------------------------------------------------------


def project_flags(target: str | None) -> list[str]:
    """The flags every dbt command gets: this project and its profiles.yml, and the target."""
    flags = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    return [*flags, "--target", target] if target else flags


def dbt_vars(args: argparse.Namespace) -> dict[str, Any]:
    """The --vars this run passes to dbt: options that stay the same from run to run."""
    variables: dict[str, Any] = {}
    if getattr(args, "hash_pii", False):
        variables["hash_pii"] = True
    if getattr(args, "max_dirty_row_share", None) is not None:
        variables["max_dirty_row_share"] = args.max_dirty_row_share
    return variables


def dbt_environment(args: argparse.Namespace) -> dict[str, str]:
    """The run's as_of and incremental cutoff for dbt ('' when not set): see RUN_AS_OF_ENV."""
    return {
        RUN_AS_OF_ENV: args.as_of or "",
        RUN_INCREMENTAL_SINCE_ENV: getattr(args, "incremental_since", None) or "",
    }


def build_arguments(args: argparse.Namespace, log_path: Path | None = None) -> list[str]:
    """The `dbt build` command line for the parsed arguments."""
    arguments = ["build", *project_flags(args.target)]
    if args.full_refresh:
        arguments.append("--full-refresh")
    if args.select:
        # A selection that matches nothing is a typo, not a successful run: make dbt stop on it.
        arguments += ["--select", *args.select, "--warn-error-options", NO_MATCH_IS_AN_ERROR]
    variables = dbt_vars(args)
    if variables:
        arguments += ["--vars", json.dumps(variables)]
    if leaves_out_unit_tests(args):
        arguments += ["--exclude-resource-type", "unit_test"]
    if log_path is not None:
        arguments += ["--log-path", str(log_path)]
    return arguments


def freshness_arguments(args: argparse.Namespace, log_path: Path | None = None) -> list[str]:
    """The `dbt source freshness` command line (it runs the on-run-start hook too)."""
    arguments = ["source", "freshness", *project_flags(args.target)]
    variables = dbt_vars(args)
    if variables:
        arguments += ["--vars", json.dumps(variables)]
    if log_path is not None:
        arguments += ["--log-path", str(log_path)]
    return arguments


def target_adapter_type(target: str | None) -> str | None:
    """The adapter type ('duckdb', 'postgres', ...) of a target of profiles.yml, or None.

    Renders only the profile's `target` and the output's `type` (env_var() and all), without
    connecting. None when it cannot tell (an unknown target: dbt then reports it).
    """
    try:
        return profile_settings.render(profile_settings.output(target)["type"])
    except Exception:
        return None


def target_storage_version(target: str | None) -> str | None:
    """The DuckDB storage format a target of profiles.yml creates files in (its config_options'
    storage_compatibility_version, e.g. 'v1.4.0'); None when it sets none or cannot tell."""
    try:
        options = profile_settings.output(target).get("config_options") or {}
        return profile_settings.render(options.get("storage_compatibility_version")) or None
    except Exception:
        return None


class DbtSession:
    """One in-process dbt runner: the build, then read-only queries through dbt's adapter.

    Queries use `dbt show --inline-direct`: the SQL goes to the adapter as is, without parsing
    the project again, and the rows come back in the ShowNode event. dbt-duckdb keeps its DuckDB
    connection open for the whole process (`keep_open`, on by default), so the queries share the
    build's connection: no second connection competes for the file. With keep_open off, dbt
    closes the file after the build and the query reopens it, which is just as safe.
    """

    def __init__(self, target: str | None, log_path: Path | None = None) -> None:
        from dbt.cli.main import dbtRunner

        self._target = target
        self._log_path = log_path
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
        log_flags = ["--log-path", str(self._log_path)] if self._log_path else []
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
                *log_flags,
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
    compiled_sql: str | None = None

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
            compiled_sql=getattr(result.node, "compiled_code", None),
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


# the folder of the data tests that check the rule tables (seeds)
SEED_VALIDATION_TESTS = "tests/seed_validation/"


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


# ---------------------------------------------------------------------------------------------
# Source freshness
# ---------------------------------------------------------------------------------------------


@dataclass
class Freshness:
    """The outcome of `dbt source freshness` before the build."""

    status: str  # skipped, pass, warn, error, runtime error, not_run
    reason: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    exception: BaseException | None = None

    def as_record(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason or None, "sources": self.sources}


def period_text(threshold: Any) -> str | None:
    """'14 days' from a dbt freshness Time, None when not set."""
    count = getattr(threshold, "count", None)
    period = getattr(threshold, "period", None)
    if count is None or period is None:
        return None
    unit = str(getattr(period, "value", period))
    return f"{count} {unit}{'' if count == 1 else 's'}"


def source_freshness(result: Any) -> dict[str, Any]:
    """One source's freshness result as plain data."""
    node = result.node
    threshold = getattr(node, "freshness", None)
    age = getattr(result, "age", None)
    newest = getattr(result, "max_loaded_at", None)
    return {
        "source": f"{node.source_name}.{node.name}",
        "status": str(result.status),
        "newest_row_at": newest.isoformat() if newest else None,
        "age_days": round(age / SECONDS_PER_DAY, 2) if isinstance(age, int | float) else None,
        "warn_after": period_text(getattr(threshold, "warn_after", None)),
        "error_after": period_text(getattr(threshold, "error_after", None)),
        "message": (result.message or "").strip() or None,
    }


def check_freshness(session: DbtSession, args: argparse.Namespace, log_path: Path) -> Freshness:
    """Run `dbt source freshness` unless skipped; the worst status wins.

    Freshness is measured against now: it is not checked for an as_of in the past (a backfill,
    or the published as_of a --select build keeps).
    """
    if args.skip_freshness:
        return Freshness("skipped", "--skip-freshness")
    if not getattr(args, "as_of_is_run_time", False):
        kept = getattr(args, "as_of_is_published", False)
        reason = "the published build's as_of" if kept else "--as-of backfill"
        return Freshness("skipped", f"{reason}; freshness is measured against now")
    result = session.invoke(freshness_arguments(args, log_path))
    if result.exception is not None or result.result is None:
        return Freshness("not_run", exception=result.exception)
    sources = [
        source_freshness(node_result)
        for node_result in result.result.results
        if str(node_result.node.resource_type) == "source"
    ]
    statuses = {source["status"] for source in sources}
    worst = next((s for s in ("runtime error", "error", "warn") if s in statuses), "pass")
    return Freshness(worst, sources=sources)


def freshness_lines(freshness: Freshness) -> list[str]:
    """The freshness part of the summary: a count line, then each source that is not fine."""
    if freshness.status == "skipped":
        return [f"  freshness:  not checked ({freshness.reason})"]
    if not freshness.sources:
        return ["  freshness:  no raw table declares freshness"]
    counts = Counter(source["status"] for source in freshness.sources)
    lines = [
        "  freshness:  "
        + ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        + " (newest row of each raw table against now)"
    ]
    for source in freshness.sources:
        if source["status"] == "pass":
            continue
        if source["status"] == "runtime error":
            lines.append(f"    - {source['source']}: could not be checked: {source['message']}")
            continue
        limits = ", ".join(
            f"{word} after {source[key]}"
            for word, key in (("warn", "warn_after"), ("error", "error_after"))
            if source[key]
        )
        newest = source["newest_row_at"]
        if not newest or newest.startswith("0001-"):  # dbt's stand-in when there is no row
            age = "has no dated rows"
        else:
            age = f"newest row {newest} is {source['age_days']} days old"
        lines.append(f"    - {source['source']}: {source['status']}: {age} ({limits})")
    return lines


# ---------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------


def summary_lines(
    session: DbtSession,
    args: argparse.Namespace,
    locations: Locations,
    nodes: list[Outcome],
    header: list[str] | None = None,
) -> list[str]:
    """The whole summary printed after dbt's log (header, counts, problems)."""
    lines = header_lines(args, locations, header)
    lines += [line for kind in COUNTED_KINDS if (line := count_line(kind, nodes)) is not None]
    if nodes and leaves_out_unit_tests(args):
        lines.append(
            f"  {'unit tests:':<12}left out (they passed on this code in the published build)"
        )
    if not nodes:
        lines.append("  nothing selected: no node ran")
    return lines + problem_lines(session, nodes)


def header_lines(
    args: argparse.Namespace, locations: Locations, extra: list[str] | None = None
) -> list[str]:
    """The summary's first lines: the banner, as_of, target, raw data, warehouse, and `extra`."""
    as_of = f"{args.as_of} UTC" if args.as_of else "the time of the run"
    if args.as_of and getattr(args, "as_of_is_run_time", False):
        as_of += " (the time of the run)"
    return [
        "",
        "=" * 30 + " lead scoring: run summary " + "=" * 30,
        f"  as of:      {as_of}",
        f"  target:     {args.target or 'profile default'}",
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


def result_line(code: int, nodes: list[Outcome], reason: str | None = None) -> str:
    """The last line: the verdict and the exit code."""
    if code == EXIT_SUCCESS:
        warned = sum(node.status == "warn" for node in nodes)
        return f"Result: success ({warned} warning(s)), exit 0."
    if code == EXIT_FAILED:
        if reason:
            return f"Result: FAILED ({reason}), exit 1. Nothing was published."
        failed = sum(node.status in FAILED_STATUSES for node in nodes)
        return (
            f"Result: FAILED ({failed} node(s) failed), exit 1. Fix the failures above and rerun."
        )
    if code == EXIT_LOCKED:
        return "Result: another run holds the lock, exit 3."
    return "Result: dbt could not run, exit 2."


# ---------------------------------------------------------------------------------------------
# The run log: everything printed, also written to runs/<run_id>.log
# ---------------------------------------------------------------------------------------------


class RunLogUnwritable(Exception):
    """The run log can no longer be written: the warehouse folder that holds it became
    unwritable during the run (a full disk, a read-only file system, a removed folder)."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"{path}: {error.strerror or error}")
        self.path = path
        self.reason = error.strerror or str(error)


class RunLog:
    """The run log file (without colours) that both Tees write to.

    Nothing more is written to it after a write failed: it no longer holds the whole run. It
    counts the lines written to it, so the Tees can stop the run one line later.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.failed: OSError | None = None
        self.lines = 0
        self._failed_on_line = 0
        try:
            self._file = path.open("a", encoding="utf-8")
        except OSError as error:
            raise RunLogUnwritable(path, error) from None

    def write(self, text: str) -> None:
        if self.failed is None:
            try:
                self._file.write(ANSI_ESCAPE.sub("", text))
                self._file.flush()
            except OSError as error:
                self.failed = error
                self._failed_on_line = self.lines
        self.lines += text.count("\n")

    def lost_an_earlier_line(self) -> bool:
        """Whether a line before the one just ended could not be written."""
        return self.failed is not None and self._failed_on_line < self.lines - 1

    def flush(self) -> None:
        with contextlib.suppress(OSError):
            self._file.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()


class Tee:
    """A text stream that writes to the console stream and to the run log.

    dbt's console logger writes to whatever sys.stdout is when a command starts, so replacing
    sys.stdout for the run puts dbt's log into the run log as well. The console gets every
    line. Once the run log lost a line, the end of the next one raises RunLogUnwritable: the
    run stops instead of going on with a folder it cannot write, but a run whose very last
    line (its verdict) was lost has finished (dbt's console log goes on to the console alone:
    logging swallows the error, see teed_output).
    """

    def __init__(self, stream: Any, log: RunLog) -> None:
        self._stream = stream
        self._log = log
        self.teeing = True

    def write(self, text: str) -> int:
        self._stream.write(text)
        if self.teeing:
            self._log.write(text)
            if text.endswith("\n") and self._log.lost_an_earlier_line():
                raise RunLogUnwritable(self._log.path, self._log.failed)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()
        if self.teeing:
            self._log.flush()

    def isatty(self) -> bool:
        return bool(self._stream.isatty())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def teed_output(log_path: Path) -> Iterator[None]:
    """Copy stdout and stderr into `log_path` for the duration of the block.

    Raises RunLogUnwritable when the log cannot be opened, and at the end of the line after
    one it could not write (Tee). dbt's logging (its console log through these streams, its debug
    log in builds/<run_id>/, both in the warehouse folder) would print a traceback for each of
    its lines then ('--- Logging error ---'): logging swallows its errors for the block.
    """
    log = RunLog(log_path)
    stdout, stderr = sys.stdout, sys.stderr
    tees = Tee(stdout, log), Tee(stderr, log)
    raise_exceptions = logging.raiseExceptions
    sys.stdout, sys.stderr = tees  # type: ignore[assignment]
    logging.raiseExceptions = False
    try:
        yield
    finally:
        for tee in tees:
            tee.flush()
            tee.teeing = False  # dbt's log handlers keep them: the console alone from now on
        sys.stdout, sys.stderr = stdout, stderr
        logging.raiseExceptions = raise_exceptions
        log.close()


def teed_run(
    layout: publishing.Layout, record: run_records.RunRecord, work: Callable[[], int]
) -> int:
    """`work()`, printing into the run log too; exit 2 when the run log cannot be written."""
    try:
        with teed_output(record.log_path):
            return work()
    except RunLogUnwritable as lost:
        return folder_became_unwritable(layout, record, lost)


def folder_became_unwritable(
    layout: publishing.Layout, record: run_records.RunRecord, lost: RunLogUnwritable
) -> int:
    """Say in one line that the warehouse folder could not be written, record it, exit 2.

    A run that had printed its verdict (only saving its record was left) keeps its exit code:
    the record's own one-line report said what could not be written.
    """
    if record.data.get("exit_code") is not None:
        return int(record.data["exit_code"])
    info = publishing.read_build_info(layout.published) or {}
    now = f"is run {info['run_id']}" if info.get("run_id") else "was not touched"
    message = (
        f"The warehouse folder {layout.folder} could not be written during the run (the run "
        f"log {lost.path}: {lost.reason}), so the run stopped. The published warehouse "
        f"{layout.published} {now}. Free space or make the folder writable again, then rerun."
    )
    sys.stdout.flush()
    print(message, file=sys.stderr, flush=True)
    record.finish("not_run", EXIT_NOT_RUN, message)
    if record.data.get("command") == "build":  # a build ends with its verdict (rollbacks: none)
        print(result_line(EXIT_NOT_RUN, []))
    return EXIT_NOT_RUN


# ---------------------------------------------------------------------------------------------
# One build run
# ---------------------------------------------------------------------------------------------


def new_run_id() -> str:
    """A run id that sorts by start time: '20261123T021500.123Z-4f2a'."""
    now = publishing.utc_now()
    return f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z-{secrets.token_hex(2)}"


def run_time_as_of() -> str:
    """Now, in the form --as-of produces: a default run pins its as_of, so it can be re-run."""
    return publishing.utc_now().replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def lock_holder(run_id: str, command: str) -> dict[str, Any]:
    """What the lock file says while this run holds it."""
    return {
        "run_id": run_id,
        "command": command,
        "pid": os.getpid(),
        "host": os.uname().nodename,
        "started_at": publishing.timestamp_text(publishing.utc_now()),
    }


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
    tests = counts.get("test", Counter()) + counts.get("unit_test", Counter())
    return {
        "model_counts": dict(counts.get("model", Counter())),
        "seed_counts": dict(counts.get("seed", Counter())),
        "test_counts": dict(tests),
        "test_problems": problems,
        "models": [entry for entry in nodes if entry["kind"] == "model"],
        "nodes": [entry for entry in nodes if entry["kind"] != "model"],
    }


def pii_columns(run_result: Any) -> list[tuple[str, str]]:
    """(relation, column) of every mart column the docs tag `meta: {contains_pii: true}`."""
    found = []
    for result in run_result.results:
        node = result.node
        if str(node.resource_type) != "model" or getattr(node, "schema", None) != "marts":
            continue
        for column in (getattr(node, "columns", None) or {}).values():
            if (column.meta or {}).get("contains_pii") and node.relation_name:
                found.append((node.relation_name, column.name))
    return found


# ---------------------------------------------------------------------------------------------
# Incremental runs
# ---------------------------------------------------------------------------------------------


def files_fingerprint(header: str, names: Sequence[str]) -> str:
    """A sha256 of `header` and of every file under the project paths `names`."""
    digest = hashlib.sha256(header.encode())
    for name in names:
        root = PROJECT_DIR / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(PROJECT_DIR)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def project_fingerprint(hash_pii: bool) -> str:
    """A sha256 of everything besides the raw data that the tables are computed from."""
    return files_fingerprint(f"hash_pii={bool(hash_pii)}\n", FINGERPRINTED)


def unit_test_fingerprint(hash_pii: bool) -> str:
    """A sha256 of what the unit tests' results depend on: the code and the engine's versions.

    Not the rule seeds: an analyst's rule edit changes the data the models read, not what the
    unit tests check (every unit test gives its model's inputs).
    """
    versions = []
    for package in UNIT_TESTED_PACKAGES:
        try:
            versions.append(f"{package}=={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} missing")
    return files_fingerprint(
        f"hash_pii={bool(hash_pii)}\n" + "\n".join(versions) + "\n", UNIT_TESTED
    )


def seed_header_problems(project_dir: Path = PROJECT_DIR) -> list[str]:
    """What is wrong with the header rows of the rule tables (seeds/*.csv), one line each.

    A renamed or missing column, or a file saved with ';' or tabs between the columns (Excel in
    many locales), otherwise fails deep in a staging model with a database error that names
    neither the seed nor the column. The columns are those of seeds/_seeds.yml.
    """
    import yaml  # dbt's own dependency

    seeds = yaml.safe_load((project_dir / "seeds" / "_seeds.yml").read_text())["seeds"]
    problems = []
    for seed in seeds:
        expected = [column["name"] for column in seed.get("columns", [])]
        relative = f"seeds/{seed['name']}.csv"
        path = project_dir / relative
        if not path.is_file():
            problems.append(f"{relative} is missing: restore it (git checkout {relative}).")
            continue
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            header_line = handle.readline()
        header = next(csv.reader([header_line]), [])
        names = {name.strip().lower() for name in header}
        missing = [name for name in expected if name not in names]
        if not missing:
            continue
        problem = (
            f"{relative}: its header row lacks column(s) {', '.join(missing)}; it has: "
            f"{', '.join(name.strip() for name in header) or '(nothing)'}. The header must name "
            f'{", ".join(expected)} (README "Editing the rules").'
        )
        separator = next((s for s in (";", "\t") if s in header_line and len(header) == 1), None)
        if separator:
            shown = "';'" if separator == ";" else "tabs"
            problem += (
                f" The file looks separated by {shown}: rule tables are comma-separated CSV "
                "(in Excel, save as 'CSV UTF-8 (Comma delimited)')."
            )
        problems.append(problem)
    return problems


def leaves_out_unit_tests(args: argparse.Namespace) -> bool:
    """Whether `dbt build` leaves the unit tests out: they passed on this code before.

    Unit tests check the code on fixed inputs, not the data (dbt's advice: run them in
    development and CI, not in production runs). So a run leaves them out when the published
    build passed them on the same models, macros, dbt_project.yml and engine versions (its
    `unit_tests_fingerprint`, set in `run`): the daily incremental runs and a full build after
    an analyst's rule edit. `--unit-tests` runs them anyway.
    """
    return bool(getattr(args, "unit_tests_passed", False)) and not getattr(
        args, "unit_tests", False
    )


def published_unit_test_fingerprint(info: dict[str, Any] | None) -> str | None:
    """The unit-test fingerprint of the code whose unit tests the published build passed.

    `info`: the published build's ops.build_info (read_published_info).
    """
    return (info or {}).get("unit_tests_fingerprint")


def read_published_info(published: Path, publishes: bool) -> dict[str, Any] | None:
    """The published build's ops.build_info, read once per run; None on a server target."""
    return publishing.read_build_info(published) if publishes else None


def backfill_of(args: argparse.Namespace, info: dict[str, Any] | None) -> datetime | None:
    """The published build's as_of when this run is a backfill that gets its own file, else None.

    A run given an --as-of earlier than the published build's would show BI the past in place
    of the present: it writes its own file instead (Layout.backfill_file), unless
    --replace-published says to publish it. A run without --as-of computes as of now and
    publishes as usual. `info`: the published build's ops.build_info (read_published_info).
    """
    published_as_of = (info or {}).get("as_of")
    if not args.as_of or args.replace_published or not isinstance(published_as_of, datetime):
        return None
    return published_as_of if datetime.fromisoformat(args.as_of) < published_as_of else None


@dataclass
class IncrementalPlan:
    """Whether this run continues the published warehouse, from which cutoff, and why (not)."""

    since: str | None
    reason: str

    def line(self) -> str:
        if self.since:
            return f"  mode:       incremental, recomputing from {self.since} UTC ({self.reason})"
        return f"  mode:       full build ({self.reason})"


def watermark(database: Path) -> datetime | None:
    """The latest event instant of a warehouse file; None when it has none or cannot say."""
    import duckdb

    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            row = connection.execute(WATERMARK_SQL).fetchone()
    except duckdb.Error:
        return None
    return row[0] if row and isinstance(row[0], datetime) else None


def plan_incremental(
    args: argparse.Namespace,
    published: Path,
    publishes: bool,
    fingerprint: str,
    info: dict[str, Any] | None,
) -> IncrementalPlan:
    """An incremental run when the published warehouse was built the same way, else a full one.

    `info`: the published build's ops.build_info (read_published_info), None when there is none.
    """
    if args.full_refresh:
        return IncrementalPlan(None, "--full-refresh")
    if args.select:
        return IncrementalPlan(None, "a --select build")
    if not publishes:
        return IncrementalPlan(None, "a server target is always built whole")
    if info is None and published.is_file():
        return IncrementalPlan(
            None,
            "the published warehouse could not be read (does a process hold it open read-write?)",
        )
    if info is None:
        return IncrementalPlan(None, "no published warehouse to continue")
    if info.get("project_fingerprint") != fingerprint:
        return IncrementalPlan(
            None, "rule tables, models or --hash-pii changed since the published build"
        )
    if info.get("selection"):
        # its selected tables were rebuilt from newer raw files than the others (the raw events'
        # day sums of stg_raw__events_days among them): only a full build is consistent again
        return IncrementalPlan(
            None, f"the published warehouse is a --select build ({info['selection']})"
        )
    published_as_of = info.get("as_of")
    if isinstance(published_as_of, datetime) and datetime.fromisoformat(args.as_of) < (
        published_as_of
    ):
        return IncrementalPlan(None, f"as_of is earlier than the published {published_as_of}")
    if info.get("hash_pii"):
        return IncrementalPlan(
            None, "the published warehouse holds the marts only (--hash-pii): nothing to continue"
        )
    latest = watermark(published)
    if latest is None:
        return IncrementalPlan(None, "the published warehouse has no events")
    since = latest - timedelta(days=args.lookback_days)
    return IncrementalPlan(
        since.isoformat(sep=" ", timespec="microseconds"),
        f"latest published event {latest} minus {args.lookback_days:g} days of lookback",
    )


class BuildRun:
    """One build: freshness, dbt build into a fresh file, summary, publish, record."""

    def __init__(
        self,
        args: argparse.Namespace,
        locations: Locations,
        layout: publishing.Layout,
        run_id: str,
        record: run_records.RunRecord,
        adapter_type: str | None,
    ) -> None:
        self.args = args
        self.locations = locations
        self.layout = layout
        self.run_id = run_id
        self.record = record
        self.adapter_type = adapter_type
        # Only a DuckDB file can be built aside and swapped in; None: dbt will say what is wrong.
        self.publishes = adapter_type in (None, "duckdb")
        # the published build's as_of when this run is a backfill that writes its own file
        self.backfill_of: datetime | None = None
        self.storage_version = target_storage_version(args.target)

    @property
    def build_dir(self) -> Path:
        return self.layout.build_dir(self.run_id)

    @property
    def build_file(self) -> Path:
        return self.layout.build_file(self.run_id)

    @property
    def destination(self) -> Path:
        """The file this run publishes to: the published warehouse, or a backfill's own file."""
        if self.backfill_of is None:
            return self.layout.published
        return self.layout.backfill_file(self.args.as_of)

    @property
    def destination_name(self) -> str:
        """What the file this run replaces is, in the user's terms."""
        if self.backfill_of is None:
            return "the published build"
        return f"the previous backfill as of {self.args.as_of}"

    def published_run(self) -> str | None:
        info = publishing.read_build_info(self.layout.published)
        return str(info["run_id"]) if info and info.get("run_id") else None

    def unchanged_line(self) -> str:
        if not self.publishes:
            return f"Target type {self.adapter_type}: dbt built in place; no file to publish."
        published = self.published_run()
        if not self.layout.published.exists():
            return (
                f"Nothing published: there is no published warehouse yet ({self.layout.published})."
            )
        which = f" (run {published})" if published else ""
        return f"Nothing published: {self.layout.published}{which} is unchanged."

    def stop(self, code: int, outcome: str, message: str) -> int:
        if self.backfill_of is None:  # the kept builds are the published warehouse's
            self.prune()
        self.record.finish(outcome, code, message)
        return code

    def not_run(self, message: str) -> int:
        """Stop before dbt builds anything (exit 2), saying why."""
        print(message, file=sys.stderr)
        print(result_line(EXIT_NOT_RUN, []))
        return self.stop(EXIT_NOT_RUN, "not_run", message)

    def run(self, left_behind: dict[str, Any] | None) -> int:
        args = self.args
        published_info = read_published_info(self.layout.published, self.publishes)
        self.backfill_of = backfill_of(args, published_info)
        self.record.update(backfill_path=str(self.destination) if self.backfill_of else None)
        verb = "write it to" if self.backfill_of else "publish to"
        print(
            f"Run {self.run_id}: build into {self.build_dir}, then {verb} {self.destination}.",
            flush=True,
        )
        if self.backfill_of:
            print(
                f"A backfill: its as_of, {args.as_of}, is earlier than the published build's, "
                f"{self.backfill_of}, so it gets its own file, and the published warehouse "
                f"{self.layout.published} stays as it is (--replace-published publishes over it)."
            )
        if left_behind:
            print(
                f"Recovered the run lock {self.layout.lock}: "
                f"{publishing.describe_holder(left_behind)} ended without releasing it "
                "(killed or crashed); nothing of it was published."
            )
        interrupted = run_records.mark_interrupted(self.layout.runs, self.run_id)
        if interrupted:
            print("Marked as interrupted (killed or crashed): " + ", ".join(interrupted))
        publishing.remove_leftover_temporaries(self.layout)
        if args.select and self.publishes and not self.layout.published.is_file():
            return self.not_run(
                "A --select build rebuilds part of the published warehouse, and there is none "
                f"yet at {self.layout.published}: run a full build first (without --select)."
            )
        if published_info and published_info.get("hash_pii") and not args.hash_pii:
            return self.not_run(
                f"The published warehouse {self.layout.published} was published with "
                "--hash-pii (emails hashed, marts only): this run would publish the emails in "
                "plain text to its audience. Pass --hash-pii, or, if that audience may see "
                "emails, move the published file away first."
            )
        as_of_given = bool(args.as_of)
        published_as_of = (published_info or {}).get("as_of") if args.select else None
        if not as_of_given and isinstance(published_as_of, datetime):
            # the tables it does not select stay as of the published as_of: so do its own
            args.as_of = published_as_of.isoformat(sep=" ", timespec="microseconds")
            args.as_of_is_published = True
            print(
                f"A --select build keeps the published as_of, {args.as_of}, which the tables it "
                "does not select are computed at; pass --as-of to change it."
            )
        elif not as_of_given:
            args.as_of = run_time_as_of()
            args.as_of_is_run_time = True
        self.record.update(as_of=args.as_of, as_of_given=as_of_given)
        self.record.save()  # so a run that is killed from here on still shows its as_of
        self.fingerprint = project_fingerprint(args.hash_pii)
        self.plan = plan_incremental(
            args, self.layout.published, self.publishes, self.fingerprint, published_info
        )
        args.incremental_since = self.plan.since
        self.unit_fingerprint = unit_test_fingerprint(args.hash_pii)
        self.published_unit_fingerprint = published_unit_test_fingerprint(published_info)
        args.unit_tests_passed = self.published_unit_fingerprint == self.unit_fingerprint
        self.record.update(
            incremental_since=self.plan.since,
            build_mode_reason=self.plan.reason,
            unit_tests="left out" if leaves_out_unit_tests(args) else "run",
        )
        seed_problems = seed_header_problems()
        if seed_problems:
            reason = "a rule table's header row is wrong"
            print("\n".join(["Rule tables (seeds) that cannot be read:", *seed_problems]))
            print(self.unchanged_line())
            print(result_line(EXIT_FAILED, [], reason))
            return self.stop(EXIT_FAILED, "failed", reason)
        try:
            export_locations(self.locations)
            ensure_demo_data(self.locations, args.demo_leads)
            self.build_dir.mkdir(parents=True, exist_ok=True)
            # The copy an incremental run starts from (GBs at scale) is made while dbt is
            # imported: the kernel copies while Python imports, about 1 s less at 1M leads.
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                copying = pool.submit(self.prepare_build_file) if self.publishes else None
                session = start_session(args.target, self.build_dir)
                if copying is not None:
                    copying.result()
        except (ImportError, OSError, ValueError) as error:
            return self.not_run(f"Could not prepare the raw data or the build folder: {error}")
        if session is None:
            return self.stop(EXIT_NOT_RUN, "not_run", "dbt is not installed")
        database = self.build_file if self.publishes else self.locations.duckdb_path
        # the path dbt opens it by is the same every run; the link follows the published
        # warehouse's builds, so a backfill opens its own by its real path
        if self.publishes and self.backfill_of is None:
            os.environ[DUCKDB_PATH_ENV] = str(
                publishing.point_current_build_link(self.layout, self.run_id)
            )
        else:
            os.environ[DUCKDB_PATH_ENV] = str(database)
        os.environ.update(dbt_environment(args))

        extra = [
            f"  run:        {self.run_id} (record {self.record.path})",
            f"  build:      {database}",
            self.plan.line(),
        ]
        if self.backfill_of:
            extra.append(
                f"  backfill:   {self.destination} (the published warehouse, as of "
                f"{self.backfill_of}, stays as it is)"
            )
        freshness = check_freshness(session, args, self.build_dir)
        self.record.update(freshness=freshness.as_record())
        extra += freshness_lines(freshness) if freshness.status != "not_run" else []
        if freshness.status == "not_run":
            return self.could_not_run(freshness.exception, "source freshness")
        if freshness.status in ("error", "runtime error"):
            stale = [s["source"] for s in freshness.sources if s["status"] == freshness.status]
            reason = f"source freshness {freshness.status}: {', '.join(stale)}"
            print("\n".join([*header_lines(args, self.locations, extra), self.unchanged_line()]))
            print(result_line(EXIT_FAILED, [], reason))
            return self.stop(EXIT_FAILED, "failed", reason)

        result = session.invoke(build_arguments(args, self.build_dir))
        code = exit_code(result)
        if code == EXIT_NOT_RUN:
            return self.could_not_run(result.exception, "dbt build")
        nodes = outcomes(result.result)
        self.record.update(**node_records(result.result))
        rows = data_quality_rows(session, nodes)
        self.record.update(dirty_rows=dirty_row_totals(rows))
        lines = summary_lines(session, args, self.locations, nodes, extra)
        print("\n".join([*lines, *data_quality_lines(rows)]), flush=True)
        publishing.release_dbt_duckdb()

        reason = None
        after = [self.unchanged_line()]
        if code == EXIT_SUCCESS and self.publishes:
            code, after, reason = self.publish(result.result)
        print("\n".join(after))
        print(result_line(code, nodes, reason))
        return self.stop(code, self.outcome(code), reason or "")

    def outcome(self, code: int) -> str:
        """The run record's outcome for the build's exit code."""
        if code != EXIT_SUCCESS:
            return "failed"
        if not self.publishes:
            return "built"
        return "backfilled" if self.backfill_of else "published"

    def tested_unit_fingerprint(self) -> str | None:
        """The unit-test fingerprint this build vouches for (ops.build_info).

        Its own when it ran every unit test (it is published only if they passed), the
        published build's when it left them out, none when a --select build ran some of them.
        """
        if leaves_out_unit_tests(self.args):
            return self.published_unit_fingerprint
        return None if self.args.select else self.unit_fingerprint

    def could_not_run(self, exception: BaseException | None, step: str) -> int:
        sys.stdout.flush()  # keep dbt's log (stdout) before our message in a combined log
        if isinstance(exception, KeyboardInterrupt):
            # Ctrl-C: dbt stops and hands back the interrupt; like any signal, the run ends
            # interrupted with 128 + the signal (docs/operations.md)
            print(f"\nInterrupted (Ctrl-C) during {step}.", file=sys.stderr, flush=True)
            print(self.unchanged_line())
            return self.stop(EXIT_INTERRUPTED, "interrupted", f"{step}: interrupted (SIGINT)")
        print("\n".join(["", *fatal_lines(exception)]), file=sys.stderr, flush=True)
        print(self.unchanged_line())
        print(result_line(EXIT_NOT_RUN, []))
        message = f"{step}: " + (str(exception).strip().splitlines() or ["no reason given"])[0]
        return self.stop(EXIT_NOT_RUN, "not_run", message)

    def prepare_build_file(self) -> None:
        """A fresh build file; a --select build starts from a copy of the published one."""
        publishing.wal_of(self.build_file).unlink(missing_ok=True)
        self.build_file.unlink(missing_ok=True)
        if self.args.select and self.layout.published.is_file():
            shutil.copyfile(self.layout.published, self.build_file)
            print(
                "A --select build starts from a copy of the published warehouse, so the models "
                "it does not select keep their published tables."
            )
        elif self.plan.since:
            shutil.copyfile(self.layout.published, self.build_file)
            print(
                "An incremental run starts from a copy of the published warehouse and "
                f"recomputes what is stamped from {self.plan.since} UTC on."
            )

    def publish(self, run_result: Any) -> tuple[int, list[str], str | None]:
        """Stamp, check and publish the build; (exit code, lines to print, failure reason)."""
        import duckdb

        args = self.args
        try:
            publishing.write_build_info(
                self.build_file,
                {
                    "run_id": self.run_id,
                    "as_of": args.as_of,
                    "started_at": self.record.data["started_at"],
                    "built_at": publishing.utc_now(),
                    "target": args.target or "profile default",
                    "dbt_version": dbt_version(),
                    "selection": " ".join(args.select) if args.select else None,
                    "hash_pii": bool(args.hash_pii),
                    "project_fingerprint": self.fingerprint,
                    "incremental_since": self.plan.since,
                    "unit_tests_fingerprint": self.tested_unit_fingerprint(),
                },
            )
            publishing.release_dbt_duckdb()
            broken = publishing.broken_views(self.build_file)
            if broken:
                raise publishing.PublishError(
                    "views of the build do not work: " + "; ".join(broken[:5])
                )
            comparison = build_comparison.compare(
                self.build_file, self.destination, self.destination_name
            )
            self.record.update(comparison=comparison)
            if args.hash_pii:
                # the tagged columns this build built, and any email column a --select kept
                columns = sorted(
                    {*pii_columns(run_result), *publishing.columns_named(self.build_file, "email")}
                )
                problems = publishing.unhashed_pii(self.build_file, columns)
                if problems:
                    raise publishing.PublishError(
                        "--hash-pii, but PII columns are not hashed: " + "; ".join(problems)
                    )
                publishing.keep_only_schemas(
                    self.build_file,
                    PUBLISHED_SCHEMAS_WITHOUT_PII,
                    storage_format.connect_config(self.storage_version),
                )
            self.destination.parent.mkdir(parents=True, exist_ok=True)
            # a copy of a warehouse published before profiles.yml named the format keeps its own
            storage_format.rewrite_for_readers(self.build_file, self.storage_version)
            publishing.publish_file(self.build_file, self.destination, self.run_id)
        except (publishing.PublishError, duckdb.Error, OSError) as error:
            reason = f"built and tested, but not published: {error}"
            return EXIT_FAILED, [f"NOT PUBLISHED: {error}", self.unchanged_line()], reason
        if self.backfill_of:
            lines = [
                f"Backfill written: run {self.run_id}, as of {args.as_of}, is now "
                f"{self.destination} (atomic replace). The published warehouse "
                f"{self.layout.published}, as of {self.backfill_of}, is unchanged."
            ]
        else:
            self.record.update(published=True, published_at=publishing.utc_now().isoformat())
            lines = [
                f"Published: run {self.run_id} is now {self.layout.published} (atomic replace; "
                "open connections keep the previous build until they reconnect)."
            ]
        lines += build_comparison.summary_lines(comparison)
        if args.hash_pii:
            lines.append(
                "PII: emails are sha256 hashes; only the schemas "
                + ", ".join(PUBLISHED_SCHEMAS_WITHOUT_PII)
                + " were published."
            )
        return EXIT_SUCCESS, lines, None

    def prune(self) -> None:
        """Keep the newest --keep successful builds and a few failed ones; delete the rest."""
        if not self.layout.builds.is_dir():
            return
        successful = run_records.successful_builds(self.layout.runs)
        if self.record.data.get("published"):
            successful.add(self.run_id)
        protected = {self.run_id}
        published = self.published_run() if self.layout.published.is_file() else None
        if published:
            protected.add(published)
        deleted = publishing.prune_builds(self.layout, successful, self.args.keep, protected)
        kept = [run_id for run_id in publishing.build_run_ids(self.layout) if run_id in successful]
        self.record.update(kept_builds=kept, deleted_builds=deleted)


def dbt_version() -> str | None:
    with contextlib.suppress(ImportError):
        from dbt.version import __version__

        return str(__version__)
    return None


def start_session(target: str | None, log_path: Path | None = None) -> DbtSession | None:
    """A dbt session, or None (after saying why) when dbt is not installed."""
    try:
        return DbtSession(target, log_path)
    except ImportError as error:
        print(f"dbt is not installed ({error}): run `make install` first.", file=sys.stderr)
        return None


def locked_out(layout: publishing.Layout, run_id: str, command: str, held: Any) -> int:
    """Say who holds the lock, record the refused run, and return exit code 3."""
    message = (
        f"Another run holds the lock {held.path}: {held.describe()}. This {command} ({run_id}) "
        f"exits without doing anything; the published warehouse {layout.published} is unchanged. "
        "Start runs further apart, or wait for that one to finish (a killed run's lock is "
        "released when its process dies)."
    )
    print(message, file=sys.stderr)
    print(result_line(EXIT_LOCKED, []))
    record = run_records.RunRecord.start(
        layout.runs, run_id, command, save=False, lock_holder=held.holder
    )
    record.finish("locked_out", EXIT_LOCKED, message)
    return EXIT_LOCKED


def other_warehouse_in_folder(layout: publishing.Layout) -> str | None:
    """The file name of another warehouse whose runs are recorded in this folder, if any.

    builds/ and runs/ belong to the folder: two warehouses in one folder would prune each
    other's kept builds and mark each other's running records interrupted. Names, not paths,
    are compared, so a folder that was moved keeps working.
    """
    for record in run_records.load_records(layout.runs):
        recorded = record.get("published_path")
        if recorded and Path(str(recorded)).name != layout.published.name:
            return Path(str(recorded)).name
    return None


def shares_folder(layout: publishing.Layout, other: str) -> int:
    print(
        f"The folder {layout.folder} already holds the runs and kept builds of another "
        f"warehouse, {other}. Each warehouse needs a folder of its own (its builds/ and runs/ "
        f"are kept there): choose another folder for {layout.published.name}.",
        file=sys.stderr,
    )
    return EXIT_NOT_RUN


def lock_failed(layout: publishing.Layout, error: OSError) -> int:
    """The run lock could not be written (a read-only folder, no permission): nothing ran."""
    print(
        f"Could not take the run lock {layout.lock}: {error.strerror or error}. The warehouse "
        f"folder {layout.folder} must be writable by the user who runs the build. Nothing ran; "
        "the published warehouse is unchanged.",
        file=sys.stderr,
    )
    return EXIT_NOT_RUN


def build_command(args: argparse.Namespace) -> int:
    """The default command: lock, freshness, build, summary, publish, record."""
    locations = resolve_locations(args)
    layout = publishing.Layout(locations.duckdb_path)
    if layout.published.is_dir():
        print(
            f"The warehouse path {layout.published} is a folder: give the DuckDB file's path "
            "(--duckdb-path or LEAD_SCORING_DUCKDB_PATH), e.g. "
            f"{layout.published / 'lead_scoring.duckdb'}.",
            file=sys.stderr,
        )
        return EXIT_NOT_RUN
    other = other_warehouse_in_folder(layout)
    if other:
        return shares_folder(layout, other)
    run_id = new_run_id()
    try:
        layout.make_folders()
    except OSError as error:
        print(
            f"Could not create the warehouse folders in {layout.folder}: {error}", file=sys.stderr
        )
        return EXIT_NOT_RUN
    lock = publishing.RunLock(layout.lock)
    try:
        left_behind = lock.acquire(lock_holder(run_id, "build"))
    except publishing.LockHeld as held:
        return locked_out(layout, run_id, "build", held)
    except OSError as error:
        return lock_failed(layout, error)
    try:
        adapter_type = target_adapter_type(args.target)
        record = run_records.RunRecord.start(
            layout.runs,
            run_id,
            "build",
            target=args.target or "profile default",
            adapter_type=adapter_type,
            raw_dir=str(locations.raw_dir),
            published_path=str(layout.published),
            build_path=str(layout.build_file(run_id)),
            selection=args.select,
            full_refresh=args.full_refresh,
            hash_pii=args.hash_pii,
            max_dirty_row_share=args.max_dirty_row_share,
            log=str(run_records.RunRecord(layout.runs / f"{run_id}.json").log_path),
            published=False,
            replace_published=args.replace_published,
            backfill_path=None,
            comparison=None,
        )
        build = BuildRun(args, locations, layout, run_id, record, adapter_type)
        return teed_run(layout, record, lambda: build.run(left_behind))
    finally:
        publishing.release_dbt_duckdb()
        lock.release()


# ---------------------------------------------------------------------------------------------
# rollback and history
# ---------------------------------------------------------------------------------------------


def kept_builds(layout: publishing.Layout) -> list[str]:
    """Run ids of kept builds that can be published again, oldest first."""
    successful = run_records.successful_builds(layout.runs)
    return [
        run_id
        for run_id in publishing.build_run_ids(layout)
        if run_id in successful and layout.build_file(run_id).is_file()
    ]


def choose_rollback(
    kept: list[str], current: str | None, wanted: str | None
) -> tuple[str | None, str]:
    """The kept build to publish, or None and why not."""
    listed = ", ".join(kept) if kept else "none"
    if wanted:
        if wanted not in kept:
            return None, f"run {wanted} is not a kept build (kept builds: {listed})"
        return wanted, ""
    older = [run_id for run_id in kept if current is None or run_id < current]
    if not older:
        which = f"the published run {current}" if current else "the published warehouse"
        return None, f"no kept build is older than {which} (kept builds: {listed})"
    return older[-1], ""


def rollback_command(args: argparse.Namespace) -> int:
    """Publish a kept build again (atomically), under the run lock."""
    layout = publishing.Layout(published_path(args))
    if not layout.builds.is_dir():
        print(f"Nothing to roll back to: {layout.builds} does not exist.", file=sys.stderr)
        return EXIT_NOT_RUN
    other = other_warehouse_in_folder(layout)
    if other:
        return shares_folder(layout, other)
    run_id = new_run_id()
    lock = publishing.RunLock(layout.lock)
    try:
        lock.acquire(lock_holder(run_id, "rollback"))
    except publishing.LockHeld as held:
        return locked_out(layout, run_id, "rollback", held)
    except OSError as error:
        return lock_failed(layout, error)
    try:
        record = run_records.RunRecord.start(
            layout.runs, run_id, "rollback", published_path=str(layout.published)
        )
        return teed_run(layout, record, lambda: rollback(layout, args.to, run_id, record))
    finally:
        lock.release()


def rollback(
    layout: publishing.Layout, wanted: str | None, run_id: str, record: run_records.RunRecord
) -> int:
    import duckdb

    current_info = publishing.read_build_info(layout.published) or {}
    current = str(current_info["run_id"]) if current_info.get("run_id") else None
    chosen, why_not = choose_rollback(kept_builds(layout), current, wanted)
    record.update(previous_published=current)
    if chosen is None:
        print(f"Nothing rolled back: {why_not}.", file=sys.stderr)
        record.finish("not_run", EXIT_NOT_RUN, why_not)
        return EXIT_NOT_RUN
    if chosen == current:
        print(f"Run {chosen} is already the published build; nothing to do.")
        record.update(rolled_back_to=chosen)
        record.finish("rolled_back", EXIT_SUCCESS, "already published")
        return EXIT_SUCCESS
    source = layout.build_file(chosen)
    info = publishing.read_build_info(source)
    if not info or str(info.get("run_id")) != chosen:
        message = f"the kept build {source} cannot be read or is not run {chosen}"
        print(f"Nothing rolled back: {message}.", file=sys.stderr)
        record.finish("not_run", EXIT_NOT_RUN, message)
        return EXIT_NOT_RUN
    storage_version = target_storage_version(None)
    try:
        # a build kept from before profiles.yml named the storage format is in DuckDB's own
        rewritten_from = storage_format.rewrite_for_readers(source, storage_version)
        publishing.publish_file(source, layout.published, run_id)
    except (publishing.PublishError, duckdb.Error, OSError) as error:
        print(f"Nothing rolled back: {error}", file=sys.stderr)
        record.finish("failed", EXIT_FAILED, str(error))
        return EXIT_FAILED
    if rewritten_from:
        print(
            f"The kept build of run {chosen} was in DuckDB's storage format {rewritten_from}: "
            f"rewritten in {storage_version}, which DuckDB {storage_version} and newer open."
        )
    replaced = f"run {current}" if current else "the previous file"
    print(
        f"Rolled back: {layout.published} is now run {chosen} (as of {info.get('as_of')}), "
        f"replacing {replaced}. Open connections keep the old build until they reconnect."
    )
    record.update(rolled_back_to=chosen, as_of=str(info.get("as_of")))
    record.finish("rolled_back", EXIT_SUCCESS)
    return EXIT_SUCCESS


def history_command(args: argparse.Namespace) -> int:
    """Print the last runs (newest first) and what is published."""
    layout = publishing.Layout(published_path(args))
    records = run_records.load_records(layout.runs)
    if args.json:
        print(json.dumps(list(reversed(records))[: args.n], indent=2, default=str))
        return EXIT_SUCCESS
    info = publishing.read_build_info(layout.published)
    published_run = str(info["run_id"]) if info and info.get("run_id") else None
    print(f"Published warehouse: {layout.published}")
    if info:
        print(
            f"  now:   run {published_run}, as of {info.get('as_of')}, built {info.get('built_at')}"
        )
    elif layout.published.exists():
        print("  now:   a file without a build stamp (not published by scripts/run.py)")
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
    print("\n".join(run_records.history_lines(records, args.n, published_run)))
    return EXIT_SUCCESS


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to build (default), rollback or history; returns the exit code."""
    args = parse_command_line(list(sys.argv[1:] if argv is None else argv))
    try:
        if args.command == "history":
            return history_command(args)
        if args.command == "rollback":
            return rollback_command(args)
        return build_command(args)
    except KeyboardInterrupt:
        # outside dbt (dbt hands its interrupt back as a result): nothing was published, and
        # the next run marks this one's record interrupted
        print("\nInterrupted (Ctrl-C): nothing was published.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `run.py history | head`: the reader stopped reading; not an error of the run
        # (Python's recipe: point stdout at devnull, so the flush at exit does not fail again)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_SUCCESS


if __name__ == "__main__":
    sys.exit(main())
