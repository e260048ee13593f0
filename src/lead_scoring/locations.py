"""Where things are: the dbt project, the raw tables and the published DuckDB warehouse.

The dbt project is the repository checkout the package is installed from (`pip install -e .`,
which `make install` runs): this file is <checkout>/src/lead_scoring/locations.py. --project-dir
or LEAD_SCORING_PROJECT_DIR point a command at another copy of the project (the tests run
copies they change).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR_ENV = "LEAD_SCORING_PROJECT_DIR"
RAW_DIR_ENV = "LEAD_SCORING_RAW_DIR"
DUCKDB_PATH_ENV = "LEAD_SCORING_DUCKDB_PATH"
CHECKOUT_DIR = Path(__file__).resolve().parents[2]
PROJECT_FILE = "dbt_project.yml"


class ProjectNotFound(Exception):
    """The folder given as the dbt project holds no dbt_project.yml."""


def configured_path(flag: Path | None, env_name: str) -> Path | None:
    """The flag's path, else the environment variable's, made absolute; None when neither is set."""
    if flag is not None:
        return flag.expanduser().resolve()
    value = os.environ.get(env_name, "").strip()
    return Path(value).expanduser().resolve() if value else None


def project_dir(flag: Path | None = None) -> Path:
    """The dbt project: --project-dir, else LEAD_SCORING_PROJECT_DIR, else the checkout.

    Raises ProjectNotFound, saying what to do, when that folder is no dbt project (the package
    installed from somewhere other than a checkout, without either set).
    """
    folder = configured_path(flag, PROJECT_DIR_ENV) or CHECKOUT_DIR
    if not (folder / PROJECT_FILE).is_file():
        raise ProjectNotFound(
            f"{folder} is no dbt project (it has no {PROJECT_FILE}): install the package from "
            f"the repository checkout (make install), or pass --project-dir or set "
            f"{PROJECT_DIR_ENV} to the checkout."
        )
    return folder


def demo_dir(project: Path) -> Path:
    """The raw folder used when none is configured (demo data is generated there)."""
    return project / "data" / "demo"


def default_duckdb_path(project: Path) -> Path:
    return project / "data" / "warehouse" / "lead_scoring.duckdb"


@dataclass(frozen=True)
class Locations:
    """Where the project is, where the raw tables are read from and the warehouse is written."""

    project_dir: Path
    raw_dir: Path
    duckdb_path: Path
    raw_dir_configured: bool


def resolve_locations(
    project: Path, raw_dir_flag: Path | None, duckdb_path_flag: Path | None
) -> Locations:
    """Apply flags over environment over defaults."""
    raw_dir = configured_path(raw_dir_flag, RAW_DIR_ENV)
    return Locations(
        project_dir=project,
        raw_dir=raw_dir or demo_dir(project),
        duckdb_path=published_path(project, duckdb_path_flag),
        raw_dir_configured=raw_dir is not None,
    )


def published_path(project: Path, flag: Path | None) -> Path:
    """The published warehouse file: --duckdb-path, else the environment, else the default."""
    return configured_path(flag, DUCKDB_PATH_ENV) or default_duckdb_path(project)


def export_locations(locations: Locations) -> None:
    """Hand the locations to dbt (profiles.yml and the raw-source hook read the environment)."""
    os.environ[RAW_DIR_ENV] = str(locations.raw_dir)
    os.environ[DUCKDB_PATH_ENV] = str(locations.duckdb_path)
    locations.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
