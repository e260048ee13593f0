"""Run the dbt project on hand-made inputs in a temporary folder and read its marts back.

Each run gets its own copy of the project (so a test can rewrite seeds or models), its own
raw folder and its own DuckDB file (DuckDB allows one writer per file).
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from typing import Any

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROJECT_ENTRIES = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "data-tests",
)
NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
DBT = str(Path(sys.executable).with_name("dbt"))
# `lead-scoring run` hands its as_of and cutoff to dbt in these (docs/operations.md "Parsing once")
RUN_PREFIX = "LEAD_SCORING_RUN_"

RAW_COLUMNS: dict[str, dict[str, str]] = {
    "leads": {
        "lead_id": "varchar",
        "email": "varchar",
        "created_at": "timestamp",
        "job_title": "varchar",
        "country": "varchar",
        "lead_source": "varchar",
        "account_id": "varchar",
    },
    "accounts": {
        "account_id": "varchar",
        "account_name": "varchar",
        "domain": "varchar",
        "industry": "varchar",
        "employee_count": "integer",
        "annual_revenue": "double",
        "country": "varchar",
    },
    "events": {
        "event_id": "varchar",
        "lead_id": "varchar",
        "event_type": "varchar",
        "occurred_at": "timestamp",
        "url": "varchar",
        "campaign": "varchar",
    },
    "sales_dispositions": {
        "disposition_id": "varchar",
        "lead_id": "varchar",
        "status": "varchar",
        "reason": "varchar",
        "decided_at": "timestamp",
    },
    "opportunities": {
        "opportunity_id": "varchar",
        "lead_id": "varchar",
        "created_at": "timestamp",
        "amount": "double",
        "is_won": "boolean",
        "closed_at": "timestamp",
    },
}


def copy_project(destination: Path) -> Path:
    """Copy what dbt needs of the project into `destination` and return it."""
    destination.mkdir(parents=True, exist_ok=True)
    for entry in PROJECT_ENTRIES:
        source = PROJECT_DIR / entry
        target = destination / entry
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=NOT_COPIED)
        else:
            shutil.copy2(source, target)
    return destination


def _as_dict(row: Any) -> dict[str, Any]:
    return asdict(row) if is_dataclass(row) else dict(row)


def write_raw_table(raw_dir: Path, table: str, rows: Iterable[Any]) -> Path:
    """Write rows (dicts or dataclasses) as `<table>.parquet` with the spec's column types."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    columns = RAW_COLUMNS[table]
    path = raw_dir / f"{table}.parquet"
    with duckdb.connect() as connection:
        ddl = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        connection.execute(f"create table raw_rows ({ddl})")
        values = [tuple(_as_dict(row).get(name) for name in columns) for row in rows]
        if values:
            placeholders = ", ".join("?" for _ in columns)
            connection.executemany(f"insert into raw_rows values ({placeholders})", values)
        connection.execute(f"copy raw_rows to '{path}' (format parquet)")
    return path


def write_seed(project_dir: Path, seed: str, header: Sequence[str], rows: Iterable[Any]) -> None:
    """Replace seeds/<seed>.csv; None becomes an empty cell, booleans true/false."""

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    with (project_dir / "seeds" / f"{seed}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            values = _as_dict(row)
            writer.writerow([cell(values.get(name)) for name in header])


def seed_header(row_type: type) -> list[str]:
    """The seed columns of a reference rule dataclass, in declaration order."""
    return [field.name for field in fields(row_type)]


def dbt_environment() -> dict[str, str]:
    """This process's environment without `lead-scoring run`'s hand-over to dbt (LEAD_SCORING_RUN_*:
    a run's as_of and cutoff), which would make a plain dbt command incremental."""
    return {name: value for name, value in os.environ.items() if not name.startswith(RUN_PREFIX)}


def run_dbt(
    project_dir: Path,
    args: Sequence[str],
    raw_dir: Path,
    database: Path,
    variables: Mapping[str, Any] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one dbt command on a project copy; returns the finished process (never raises)."""
    env = {
        **dbt_environment(),
        "LEAD_SCORING_RAW_DIR": str(raw_dir),
        "LEAD_SCORING_DUCKDB_PATH": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        DBT,
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--vars",
        json.dumps(dict(variables or {})),
    ]
    return subprocess.run(
        command, cwd=project_dir, env=env, capture_output=True, text=True, check=False
    )


def compiled_output(tmp_path: Path, sql: str, variables: Mapping[str, Any]) -> str:
    """dbt's output (stdout and stderr) for `dbt compile --inline sql` under `variables`, on a
    fresh project copy in tmp_path: what a macro renders, or the error it stops with."""
    project = copy_project(tmp_path / "project")
    result = run_dbt(
        project,
        ["compile", "--inline", sql],
        raw_dir=tmp_path / "raw",
        database=tmp_path / "warehouse.duckdb",
        variables=variables,
    )
    return result.stdout + result.stderr


def read_table(database: Path, relation: str, order_by: str) -> list[dict[str, Any]]:
    """All rows of a relation as dicts, read through a read-only connection."""
    with duckdb.connect(str(database), read_only=True) as connection:
        cursor = connection.execute(f"select * from {relation} order by {order_by}")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_dbt_on_target(
    project_dir: Path,
    args: Sequence[str],
    target: str,
    env: Mapping[str, str] | None = None,
    variables: Mapping[str, Any] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one dbt command on a project copy against a profiles.yml target (duckdb, postgres,
    spark), with `env` added to the environment (connection settings, raw folder...).

    Returns the finished process and never raises: a timeout gives return code -1 with the
    output so far.
    """
    environment = {
        **dbt_environment(),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **dict(env or {}),
        "LEAD_SCORING_TARGET": target,
    }
    command = [
        DBT,
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--vars",
        json.dumps(dict(variables or {})),
    ]
    try:
        return subprocess.run(
            command,
            cwd=project_dir,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:

        def text(output: str | bytes | None) -> str:
            return output.decode(errors="replace") if isinstance(output, bytes) else output or ""

        return subprocess.CompletedProcess(
            command, -1, text(exc.stdout), text(exc.stderr) + f"\ntimed out after {timeout}s"
        )


def marts_rows(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every marts table's rows, ordered by all columns, read through a read-only connection."""
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            table: connection.execute(f"select * from marts.{table} order by all").fetchall()
            for table in tables
        }


def same_within_spec(left: Any, right: Any) -> bool:
    """Keys, stages and timestamps exactly; doubles within the spec's 1e-9 relative (§4)."""
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9)
    return bool(left == right)
