"""Shared fixtures for whole runs of the project through the `lead-scoring` command.

- `raw_data`: one small generated raw dataset for the session (deterministic, dirty).
- `project_copy`: a private copy of the project, so a test can break seeds or models freely
  (`copy_project` makes one anywhere, e.g. for a module-scoped fixture).
- `run_orchestrator`: runs `lead-scoring` on a project in a subprocess, always on its own DuckDB
  file (DuckDB allows one writer per file), and returns (exit code, stdout + stderr).
- `read_with_duckdb_cli`: a query's answer as the DuckDB 1.5 command line reads it from a file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from dbt_harness import copy_project

from lead_scoring.arguments import BuildOptions
from lead_scoring.cli import command_parser
from lead_scoring.demo_data.generator import generate
from lead_scoring.locations import PROJECT_DIR_ENV

PROJECT_DIR = Path(__file__).resolve().parents[1]
ORCHESTRATOR_ENV = (
    "LEAD_SCORING_RAW_DIR",
    "LEAD_SCORING_DUCKDB_PATH",
    "LEAD_SCORING_TARGET",
    PROJECT_DIR_ENV,
)
# the console command of the package, installed editable into this virtualenv (make install)
LEAD_SCORING = Path(sys.executable).with_name("lead-scoring")
RUN_TIMEOUT_SECONDS = 300

# requirements-dev.txt: DuckDB's command line 1.5, older than the DuckDB that builds
DUCKDB_CLI = Path(sys.executable).with_name("duckdb")

RAW_LEADS = 300
RAW_EVENTS_PER_LEAD = 15.0
RAW_SEED = 7
RAW_END_DATE = date(2026, 10, 31)
RAW_DAYS = 540


def build_options(argv: list[str]) -> BuildOptions:
    """The options `lead-scoring run` parses from `argv`."""
    return BuildOptions.from_args(command_parser("run").parse_args(argv))


def read_with_duckdb_cli(database: Path, sql: str) -> str:
    """The answer to `sql` (CSV without a header) as the DuckDB 1.5 command line reads the file.

    BI tools read with a DuckDB of their own, often older than the one that builds, and such a
    DuckDB refuses a file in a newer storage format ("Trying to read a database file with
    version number 69, but we can only read versions between 64 and 68").
    """
    assert DUCKDB_CLI.is_file(), (
        "no DuckDB CLI: pip install -c constraints.txt -r requirements-dev.txt"
    )
    version = subprocess.run(
        [str(DUCKDB_CLI), "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert version.stdout.startswith("v1.5."), version.stdout
    completed = subprocess.run(
        [str(DUCKDB_CLI), "-readonly", str(database), "-csv", "-noheader", "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout.strip()


@dataclass(frozen=True)
class RawData:
    """A generated raw folder and the rows written per table."""

    folder: Path
    rows: dict[str, int]


@pytest.fixture(scope="session")
def raw_data(tmp_path_factory: pytest.TempPathFactory) -> RawData:
    """~300 leads with ~15 events each and every kind of dirt, ending 2026-10-31 (Parquet)."""
    folder = tmp_path_factory.mktemp("raw")
    rows = generate(
        out_dir=folder,
        leads=RAW_LEADS,
        events_per_lead=RAW_EVENTS_PER_LEAD,
        seed=RAW_SEED,
        end_date=RAW_END_DATE,
        days=RAW_DAYS,
        fmt="parquet",
        dirt=True,
    )
    return RawData(folder=folder, rows=rows)


@pytest.fixture(name="copy_project", scope="session")
def copy_project_fixture() -> Callable[[Path], Path]:
    """The `copy_project` helper, as a fixture (for fixtures wider than one test)."""
    return copy_project


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A fresh copy of the project in this test's tmp folder."""
    return copy_project(tmp_path / "project")


RunOrchestrator = Callable[..., tuple[int, str]]


def run_orchestrator(
    project_dir: Path,
    *args: str,
    duckdb_path: Path,
    raw_dir: Path | None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> tuple[int, str]:
    """Run `lead-scoring *args` on the dbt project `project_dir`; returns (exit code, stdout +
    stderr).

    The project, the raw folder and the DuckDB file go in through the environment (the public
    contract); the caller's LEAD_SCORING_* variables are dropped first, so raw_dir=None means
    "not configured".
    """
    environment = {
        name: value for name, value in os.environ.items() if name not in ORCHESTRATOR_ENV
    }
    environment[PROJECT_DIR_ENV] = str(project_dir)
    environment["LEAD_SCORING_DUCKDB_PATH"] = str(duckdb_path)
    if raw_dir is not None:
        environment["LEAD_SCORING_RAW_DIR"] = str(raw_dir)
    environment.update(env or {})
    completed = subprocess.run(
        [str(LEAD_SCORING), *args],
        cwd=cwd or project_dir,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    return completed.returncode, completed.stdout


@pytest.fixture(name="run_orchestrator", scope="session")
def run_orchestrator_fixture() -> RunOrchestrator:
    """The `run_orchestrator` helper, as a fixture."""
    return run_orchestrator


# The as_of of the builds on the generated raw data whose verdict a test reads.
BUILD_AS_OF = "2026-11-01T00:00:00Z"


def build_as_of(
    run_orchestrator: RunOrchestrator, project: Path, raw_data: RawData, tmp_path: Path
) -> tuple[int, str]:
    """`project` built on the generated data as of BUILD_AS_OF into a fresh warehouse in
    tmp_path."""
    return run_orchestrator(
        project,
        "--as-of",
        BUILD_AS_OF,
        raw_dir=raw_data.folder,
        duckdb_path=tmp_path / "warehouse.duckdb",
    )
