"""Incremental planning: whether a run continues the published warehouse from a cutoff or
builds everything, whether it is a backfill (and a --select build at another as_of, which
cannot be one), and whether it runs the unit tests again."""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lead_scoring import publishing
from lead_scoring.arguments import BuildOptions

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


def files_fingerprint(project: Path, header: str, names: Sequence[str]) -> str:
    """A sha256 of `header` and of every file under the project paths `names`."""
    digest = hashlib.sha256(header.encode())
    for name in names:
        root = project / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(project)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def project_fingerprint(project: Path, hash_pii: bool) -> str:
    """A sha256 of everything besides the raw data that the tables are computed from."""
    return files_fingerprint(project, f"hash_pii={bool(hash_pii)}\n", FINGERPRINTED)


def unit_test_fingerprint(project: Path, hash_pii: bool) -> str:
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
    header = f"hash_pii={bool(hash_pii)}\n" + "\n".join(versions) + "\n"
    return files_fingerprint(project, header, UNIT_TESTED)


def leaves_out_unit_tests(options: BuildOptions, unit_tests_passed: bool) -> bool:
    """Whether `dbt build` leaves the unit tests out: they passed on this code before.

    Unit tests check the code on fixed inputs, not the data (dbt's advice: run them in
    development and CI, not in production runs). So a run leaves them out when the published
    build passed them on the same models, macros, dbt_project.yml and engine versions (its
    `unit_tests_fingerprint`; `unit_tests_passed`): the daily incremental runs and a full build
    after an analyst's rule edit. `--unit-tests` runs them anyway.
    """
    return unit_tests_passed and not options.unit_tests


def published_unit_test_fingerprint(info: dict[str, Any] | None) -> str | None:
    """The unit-test fingerprint of the code whose unit tests the published build passed.

    `info`: the published build's ops.build_info (read_published_info).
    """
    return (info or {}).get("unit_tests_fingerprint")


def read_published_info(published: Path, publishes: bool) -> dict[str, Any] | None:
    """The published build's ops.build_info, read once per run; None on a server target."""
    return publishing.read_build_info(published) if publishes else None


def backfill_of(options: BuildOptions, info: dict[str, Any] | None) -> datetime | None:
    """The published build's as_of when this run is a backfill that gets its own file, else None.

    A run given an --as-of earlier than the published build's would show BI the past in place
    of the present: it writes its own file instead (Layout.backfill_file), unless
    --replace-published says to publish it. A run without --as-of computes as of now and
    publishes as usual. `info`: the published build's ops.build_info (read_published_info).
    """
    published_as_of = (info or {}).get("as_of")
    if not options.as_of or options.replace_published:
        return None
    if not isinstance(published_as_of, datetime):
        return None
    return published_as_of if datetime.fromisoformat(options.as_of) < published_as_of else None


def as_of_mix_of_a_select_build(
    options: BuildOptions, published_info: dict[str, Any] | None
) -> str | None:
    """Why a --select build at an --as-of other than the published build's cannot run, if so.

    It rebuilds the tables it selects on a copy of the published warehouse, whose other tables
    are as of the published as_of: the two sets would disagree (a lead in one and not in the
    other), and the file would claim one as_of for both.
    """
    published_as_of = (published_info or {}).get("as_of")
    if not options.select or not options.as_of or not isinstance(published_as_of, datetime):
        return None
    given = datetime.fromisoformat(options.as_of)
    if given == published_as_of:
        return None
    run = "run the backfill" if given < published_as_of else "run it"
    return (
        f"A --select build as of {given} would mix two as_of dates: the tables it selects as "
        f"of {given}, the others copied from the published warehouse as of {published_as_of}. "
        f"To build as of {given}, {run} without --select; to rebuild the selection, leave "
        "--as-of out (it keeps the published as_of)."
    )


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
    options: BuildOptions,
    as_of: str,
    published: Path,
    publishes: bool,
    fingerprint: str,
    info: dict[str, Any] | None,
) -> IncrementalPlan:
    """An incremental run when the published warehouse was built the same way, else a full one.

    `as_of`: the run's (RunState.as_of). `info`: the published build's ops.build_info
    (read_published_info), None when there is none.
    """
    if options.full_refresh:
        return IncrementalPlan(None, "--full-refresh")
    if options.select:
        return IncrementalPlan(None, "a --select build")
    if not publishes:
        return IncrementalPlan(None, "a server target is always built whole")
    if info is None and published.is_file():
        return IncrementalPlan(
            None,
            "the published warehouse could not be read: does a process hold it open read-write?",
        )
    if info is None:
        return IncrementalPlan(None, "no published warehouse to continue")
    if info.get("project_fingerprint") != fingerprint:
        return IncrementalPlan(
            None, "rule tables, models or --hash-pii changed since the published build"
        )
    if info.get("selection"):
        # its selected tables were rebuilt from newer raw files than the others (the raw events'
        # day sums of chg_raw__events_days among them): only a full build is consistent again
        return IncrementalPlan(
            None, f"the published warehouse is a --select build of {info['selection']}"
        )
    published_as_of = info.get("as_of")
    if isinstance(published_as_of, datetime) and datetime.fromisoformat(as_of) < (published_as_of):
        return IncrementalPlan(None, f"as_of is earlier than the published {published_as_of}")
    if info.get("hash_pii"):
        return IncrementalPlan(
            None, "the published warehouse holds the marts only, by --hash-pii: nothing to continue"
        )
    latest = watermark(published)
    if latest is None:
        return IncrementalPlan(None, "the published warehouse has no events")
    since = latest - timedelta(days=options.lookback_days)
    return IncrementalPlan(
        since.isoformat(sep=" ", timespec="microseconds"),
        f"latest published event {latest} minus {options.lookback_days:g} days of lookback",
    )
