"""The command line of `lead-scoring`: argument types, each command's flags, and the options
they give as typed objects (`BuildOptions`, `RollbackOptions`, `HistoryOptions`,
`CompareOptions`, `DashboardOptions`)."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lead_scoring.locations import DUCKDB_PATH_ENV, PROJECT_DIR_ENV, RAW_DIR_ENV

DEMO_LEADS = 2000
DEFAULT_KEEP = 5
DEFAULT_LOOKBACK_DAYS = 3.0
DEFAULT_HISTORY = 20
DEFAULT_DASHBOARD_HOST = "127.0.0.1"
DEFAULT_DASHBOARD_PORT = 8501

AS_OF_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"
)


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


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 1 to 65535")
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


def add_location_arguments(parser: argparse.ArgumentParser) -> None:
    """--duckdb-path and --project-dir, which every command takes."""
    parser.add_argument(
        "--duckdb-path",
        type=Path,
        metavar="FILE",
        help=f"the published DuckDB file (overrides {DUCKDB_PATH_ENV})",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        metavar="DIR",
        help=f"the dbt project to run (overrides {PROJECT_DIR_ENV}; default: the checkout the "
        "package is installed from)",
    )


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `lead-scoring run`: build, test and publish."""
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
        "from a copy of the published warehouse, at its as_of (any other --as-of is refused)",
    )
    parser.add_argument(
        "--raw-dir", type=Path, metavar="DIR", help=f"raw tables folder (overrides {RAW_DIR_ENV})"
    )
    add_location_arguments(parser)
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
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print dbt's log lines live instead of the progress display (the run log "
        "runs/<run_id>.log has them either way)",
    )


def add_rollback_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `lead-scoring rollback`."""
    parser.add_argument("--to", metavar="RUN_ID", help="the kept build to publish (see history)")
    add_location_arguments(parser)


def add_history_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `lead-scoring history`."""
    parser.add_argument(
        "-n",
        type=positive_int,
        default=DEFAULT_HISTORY,
        metavar="N",
        help=f"how many runs (default {DEFAULT_HISTORY})",
    )
    parser.add_argument("--json", action="store_true", help="print the records as JSON")
    add_location_arguments(parser)


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `lead-scoring compare`."""
    parser.add_argument(
        "--rules",
        type=Path,
        required=True,
        metavar="DIR",
        help="the proposal: a folder holding any of the rule tables, named as in seeds/ "
        "(e.g. fit_rules.csv); the others come from seeds/",
    )
    parser.add_argument(
        "--raw-dir",
        type=Path,
        metavar="DIR",
        help="raw tables folder (default: the one the published build was built from)",
    )
    add_location_arguments(parser)
    parser.add_argument(
        "--verbose", action="store_true", help="print the proposal build's dbt log lines live"
    )


def add_dashboard_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `lead-scoring dashboard`."""
    parser.add_argument(
        "--host",
        default=DEFAULT_DASHBOARD_HOST,
        metavar="ADDRESS",
        help=f"the address to listen on (default {DEFAULT_DASHBOARD_HOST}, this machine only); "
        "any other address lets others reach the hand-off list, which holds personal data",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_DASHBOARD_PORT,
        metavar="N",
        help=f"the port to listen on (default {DEFAULT_DASHBOARD_PORT})",
    )
    add_location_arguments(parser)


@dataclass(frozen=True)
class BuildOptions:
    """What `lead-scoring run` was asked to do (its flags)."""

    as_of: str | None = None
    replace_published: bool = False
    target: str | None = None
    full_refresh: bool = False
    unit_tests: bool = False
    lookback_days: float = DEFAULT_LOOKBACK_DAYS
    select: tuple[str, ...] = ()
    raw_dir: Path | None = None
    duckdb_path: Path | None = None
    project_dir: Path | None = None
    demo_leads: int | None = None
    skip_freshness: bool = False
    hash_pii: bool = False
    keep: int = DEFAULT_KEEP
    max_dirty_row_share: float | None = None
    verbose: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> BuildOptions:
        return cls(
            as_of=args.as_of,
            replace_published=args.replace_published,
            target=args.target,
            full_refresh=args.full_refresh,
            unit_tests=args.unit_tests,
            lookback_days=args.lookback_days,
            select=tuple(args.select or ()),
            raw_dir=args.raw_dir,
            duckdb_path=args.duckdb_path,
            project_dir=args.project_dir,
            demo_leads=args.demo_leads,
            skip_freshness=args.skip_freshness,
            hash_pii=args.hash_pii,
            keep=args.keep,
            max_dirty_row_share=args.max_dirty_row_share,
            verbose=args.verbose,
        )


@dataclass(frozen=True)
class RollbackOptions:
    """What `lead-scoring rollback` was asked to do."""

    to: str | None = None
    duckdb_path: Path | None = None
    project_dir: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RollbackOptions:
        return cls(to=args.to, duckdb_path=args.duckdb_path, project_dir=args.project_dir)


@dataclass(frozen=True)
class HistoryOptions:
    """What `lead-scoring history` was asked to show."""

    n: int = DEFAULT_HISTORY
    json: bool = False
    duckdb_path: Path | None = None
    project_dir: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> HistoryOptions:
        return cls(
            n=args.n, json=args.json, duckdb_path=args.duckdb_path, project_dir=args.project_dir
        )


@dataclass(frozen=True)
class CompareOptions:
    """What `lead-scoring compare` was asked to compare."""

    rules: Path
    raw_dir: Path | None = None
    duckdb_path: Path | None = None
    project_dir: Path | None = None
    verbose: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CompareOptions:
        return cls(
            rules=args.rules,
            raw_dir=args.raw_dir,
            duckdb_path=args.duckdb_path,
            project_dir=args.project_dir,
            verbose=args.verbose,
        )


@dataclass(frozen=True)
class DashboardOptions:
    """Where `lead-scoring dashboard` serves, and which warehouse it shows."""

    host: str = DEFAULT_DASHBOARD_HOST
    port: int = DEFAULT_DASHBOARD_PORT
    duckdb_path: Path | None = None
    project_dir: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> DashboardOptions:
        return cls(
            host=args.host,
            port=args.port,
            duckdb_path=args.duckdb_path,
            project_dir=args.project_dir,
        )
