"""The dashboard's one way into the warehouse: a fresh, read-only view of the published file for
each page load, closed when the page has rendered.

Each page load attaches the file read-only to a new in-memory DuckDB of its own, instead of
`duckdb.connect(path)`: DuckDB shares one database per file path within a process, so a
connection opened while another page load still holds the file would keep reading the build that
was published before. An attachment of its own opens whatever file the path names now, so the
page load after a publish shows the new build, and a run (which writes its own file and publishes
by renaming it over the path) is never blocked by a reader.

Every query reads the schema `marts` (the BI contract) and `ops.build_info` only.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lead_scoring.compare import COMPARISONS_DIR
from lead_scoring.locations import DUCKDB_PATH_ENV, default_duckdb_path, project_dir
from lead_scoring.publishing import BUILD_INFO_TABLE
from lead_scoring.raw_files import sql_string
from lead_scoring.rule_set_comparison import SCHEMA as COMPARISON_SCHEMA

MARTS_SCHEMA = "marts"
CATALOG = "warehouse"
# the tables `lead-scoring compare` writes into the proposal's build
COMPARISON_TABLES = ("rule_set_summary", "lead_changes", "reason_changes", "priority_moves")


class WarehouseUnavailable(Exception):
    """The published warehouse cannot be shown; the message says why and what to do."""


class MartMissing(Exception):
    """The warehouse has no such mart (or column): it was built by an older version."""

    def __init__(self, mart: str, column: str | None = None) -> None:
        self.mart = mart
        self.column = column
        what = f"no marts.{mart}" if column is None else f"marts.{mart} without {column}"
        super().__init__(
            f"This warehouse has {what} yet: an older version built it. Rebuild it with "
            "`lead-scoring run` (or `make run`), then reload this page."
        )


def published_warehouse_path() -> Path:
    """The file the dashboard shows: LEAD_SCORING_DUCKDB_PATH (which `lead-scoring dashboard`
    sets from its flags), else the project's default."""
    value = os.environ.get(DUCKDB_PATH_ENV, "").strip()
    if value:
        return Path(value).expanduser().resolve()
    return default_duckdb_path(project_dir())


@dataclass
class Warehouse:
    """One page load's read-only view of the published warehouse."""

    path: Path
    connection: duckdb.DuckDBPyConnection
    build_info: dict[str, Any] | None
    tables: dict[str, set[str]] = field(default_factory=dict)

    @property
    def emails_are_hashed(self) -> bool:
        return bool(self.build_info and self.build_info.get("hash_pii"))

    def has_mart(self, mart: str, *columns: str) -> bool:
        return mart in self.tables and set(columns) <= self.tables[mart]

    def require(self, mart: str, *columns: str) -> None:
        """Raise MartMissing, naming what is missing, unless the mart has these columns."""
        if mart not in self.tables:
            raise MartMissing(mart)
        for column in columns:
            if column not in self.tables[mart]:
                raise MartMissing(mart, column)

    def frame(self, sql: str, parameters: list[Any] | None = None) -> pd.DataFrame:
        """The answer to a query over the marts, as a DataFrame."""
        return self.connection.execute(sql, parameters or []).df()

    def value(self, sql: str, parameters: list[Any] | None = None) -> Any:
        """The single value a query over the marts answers (None when it returns no row)."""
        row = self.connection.execute(sql, parameters or []).fetchone()
        return None if row is None else row[0]


def mart_columns(connection: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Each mart's columns, from the catalog: which marts this build has."""
    rows = connection.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = ?",
        [CATALOG, MARTS_SCHEMA],
    ).fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def read_build_info(connection: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The ops.build_info row; None in a file no lead-scoring run stamped."""
    try:
        cursor = connection.execute(f"select * from {BUILD_INFO_TABLE}")
    except duckdb.CatalogException:
        return None
    names = [column[0] for column in cursor.description]
    row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else None


@contextlib.contextmanager
def attached(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A new in-memory DuckDB with the file at `path` attached read-only as its current
    catalog; WarehouseUnavailable when there is no such file or it cannot be read."""
    if not path.is_file():
        raise WarehouseUnavailable(
            f"No warehouse at {path} yet. Build one with `lead-scoring run` (or `make run`), "
            "then reload this page."
        )
    connection = duckdb.connect()
    try:
        try:
            connection.execute(f"attach {sql_string(str(path))} as {CATALOG} (read_only)")
            connection.execute(f"use {CATALOG}")
        except duckdb.Error as error:
            raise WarehouseUnavailable(
                f"The warehouse {path} cannot be read: {error}. Is it a DuckDB file written by "
                "`lead-scoring run`?"
            ) from None
        yield connection
    finally:
        connection.close()


@contextlib.contextmanager
def open_warehouse(path: Path) -> Iterator[Warehouse]:
    """A read-only view of the published warehouse at `path` as it is now."""
    with attached(path) as connection:
        yield Warehouse(
            path=path,
            connection=connection,
            build_info=read_build_info(connection),
            tables=mart_columns(connection),
        )


def latest_comparison(published: Path) -> Path | None:
    """The newest proposal build that `lead-scoring compare` finished comparing: its file under
    <warehouse folder>/comparisons/<id>/warehouse/ (ids sort by time), with the comparison's
    tables in it; None when there is none."""
    folder = published.parent / COMPARISONS_DIR
    candidates = sorted(folder.glob(f"*/warehouse/{published.name}"), reverse=True)
    for candidate in candidates:
        with (
            contextlib.suppress(WarehouseUnavailable, duckdb.Error),
            attached(candidate) as connection,
        ):
            if connection.execute(
                "select count(*) from information_schema.tables where table_schema = ? "
                "and table_name = 'rule_set_summary'",
                [COMPARISON_SCHEMA],
            ).fetchone()[0]:
                return candidate
    return None


def comparison_tables(comparison: Path) -> dict[str, pd.DataFrame]:
    """The comparison's tables (rule_set_summary, lead_changes, reason_changes,
    priority_moves) by name, read from the proposal's build."""
    with attached(comparison) as connection:
        return {
            table: connection.execute(f"select * from {COMPARISON_SCHEMA}.{table}").df()
            for table in COMPARISON_TABLES
        }
