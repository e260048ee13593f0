"""Load the five raw tables of the spec (§2) from Parquet/CSV files into a server warehouse.

On DuckDB the project reads the raw files directly. On PostgreSQL and Spark the raw inputs are
tables in one schema (``LEAD_SCORING_RAW_SCHEMA``, default ``raw``); this script creates them,
with the spec's column types, from the same files::

    LEAD_SCORING_TARGET=postgres python -m lead_scoring.load_raw_tables --raw-dir data/demo
    python -m lead_scoring.load_raw_tables --raw-dir /data/exports --target spark --schema raw

Each table is read from the raw folder in any layout of raw_files.py (one Parquet, CSV
or gzip-compressed CSV file, or a folder of parts), as the DuckDB target reads it, and replaces
the table of the same name. Values that do not convert to the column's type (e.g. an
unparseable timestamp in a CSV file) are loaded as null and counted in a warning; staging then
treats them like any other null.

Connection settings are those of the target's output in ``profiles.yml``, rendered as dbt
renders them (profile_settings.py), so the tables land where dbt reads them; the
environment variables that set them are in the README ("Running on PostgreSQL / Spark"):

- postgres: host, port, user, password (only when not empty), dbname and sslmode. All tables
  are replaced in one transaction, so readers see either the old or the new tables; dbt's view
  of the raw events (staging.base_raw__events) goes with its table until the next build.
- spark (local session): the output's ``server_side_parameters`` (master, driver memory,
  warehouse folder and metastore, time zone...), with ANSI mode off for the loading casts.

Exit codes: 0 loaded, 2 a raw file or column is missing, a table is in two layouts, a file has
0 bytes, a CSV line does not split into the header's columns, or the warehouse is unreachable.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from lead_scoring import profile_settings, raw_files

# The spec's §2 layout: table -> column -> kind.
RAW_TABLES: dict[str, dict[str, str]] = {
    "leads": {
        "lead_id": "text",
        "email": "text",
        "created_at": "timestamp",
        "job_title": "text",
        "country": "text",
        "lead_source": "text",
        "account_id": "text",
    },
    "accounts": {
        "account_id": "text",
        "account_name": "text",
        "domain": "text",
        "industry": "text",
        "employee_count": "integer",
        "annual_revenue": "numeric",
        "country": "text",
    },
    "events": {
        "event_id": "text",
        "lead_id": "text",
        "event_type": "text",
        "occurred_at": "timestamp",
        "url": "text",
        "campaign": "text",
    },
    "sales_dispositions": {
        "disposition_id": "text",
        "lead_id": "text",
        "status": "text",
        "reason": "text",
        "decided_at": "timestamp",
    },
    "opportunities": {
        "opportunity_id": "text",
        "lead_id": "text",
        "created_at": "timestamp",
        "amount": "numeric",
        "is_won": "boolean",
        "closed_at": "timestamp",
    },
}

# Column kind -> type name per engine. Numbers are 8-byte doubles, as everywhere in the project.
TYPES: dict[str, dict[str, str]] = {
    "duckdb": {
        "text": "varchar",
        "timestamp": "timestamp",
        "integer": "integer",
        "numeric": "double",
        "boolean": "boolean",
    },
    "postgres": {
        "text": "text",
        "timestamp": "timestamp",
        "integer": "integer",
        "numeric": "double precision",
        "boolean": "boolean",
    },
    "spark": {
        "text": "string",
        "timestamp": "timestamp",
        "integer": "int",
        "numeric": "double",
        "boolean": "boolean",
    },
}
TARGETS = ("postgres", "spark")
# on top of the profile's: casts of values that do not convert give null (and are counted)
LOADING_SPARK_SETTINGS = {"spark.sql.ansi.enabled": "false"}


class LoadError(Exception):
    """A problem the user must fix: a missing column, an unreachable warehouse.

    A raw file's own problems (missing, in two layouts, empty, an unreadable CSV line) are
    raw_files.RawFileError.
    """


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def raw_file_reader(connection: duckdb.DuckDBPyConnection, raw_dir: Path, table: str) -> str:
    """The DuckDB table function reading one raw table, in whichever layout it is in."""
    return raw_files.reader(connection, raw_files.find_raw_table(raw_dir, table))


def file_columns(connection: duckdb.DuckDBPyConnection, reader: str) -> dict[str, str]:
    """The columns of a raw file: lower-cased name -> name as written."""
    described = connection.execute(f"describe select * from {reader}").fetchall()
    return {row[0].lower(): row[0] for row in described}


def typed_select(connection: duckdb.DuckDBPyConnection, raw_dir: Path, table: str) -> str:
    """A DuckDB query returning the table's spec columns in the spec's types.

    Raises RawFileError naming a file that is missing, empty, or has a CSV line that does not
    split into the header's columns (and the line), and LoadError naming the missing columns.
    """
    raw_table = raw_files.find_raw_table(raw_dir, table)
    raw_files.check_files_have_bytes(raw_table)
    raw_files.check_csv_lines(connection, raw_table)
    reader = raw_files.reader(connection, raw_table)
    found = file_columns(connection, reader)
    columns = RAW_TABLES[table]
    missing = [name for name in columns if name not in found]
    if missing:
        raise LoadError(
            f"Raw table '{table}' ({raw_table.pattern}) lacks column(s): {', '.join(missing)}. "
            f"It has: {', '.join(found)}. Rename or add the column(s) in the raw file; the "
            "expected layout is in models/staging/_raw__sources.yml."
        )
    selected = ", ".join(
        f'try_cast("{found[name]}" as {TYPES["duckdb"][kind]}) as {name}'
        for name, kind in columns.items()
    )
    return f"select {selected} from {reader}"


def count_unconverted(
    connection: duckdb.DuckDBPyConnection, raw_dir: Path, table: str
) -> dict[str, int]:
    """Per column, how many non-null raw values do not convert to the column's type."""
    reader = raw_file_reader(connection, raw_dir, table)
    found = file_columns(connection, reader)
    checks = [
        (
            name,
            f'count(*) filter (where "{found[name]}" is not null '
            f'and try_cast("{found[name]}" as {TYPES["duckdb"][kind]}) is null)',
        )
        for name, kind in RAW_TABLES[table].items()
        if kind != "text"
    ]
    if not checks:
        return {}
    counts = connection.execute(
        f"select {', '.join(check for _, check in checks)} from {reader}"
    ).fetchone()
    assert counts is not None
    return {name: count for (name, _), count in zip(checks, counts, strict=True) if count}


def duckdb_connection() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    # Timestamps with a time zone (if a Parquet file has them) become naive UTC.
    connection.execute("set TimeZone = 'UTC'")
    return connection


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------


def postgres_settings() -> dict[str, Any]:
    """psycopg2's connection arguments from the `postgres` target in profiles.yml."""
    output = profile_settings.output("postgres")
    settings: dict[str, Any] = {
        key: profile_settings.render(output[key])
        for key in ("host", "port", "user", "dbname", "sslmode")
    }
    settings["port"] = int(settings["port"])
    password = profile_settings.render(output.get("password", ""))
    if password:
        settings["password"] = password
    return settings


def load_postgres(raw_dir: Path, schema: str, log: Callable[[str], None]) -> dict[str, int]:
    try:
        import psycopg2
        from psycopg2 import sql
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise LoadError(
            "psycopg2 is not installed: pip install -c constraints.txt -r requirements-postgres.txt"
        ) from exc

    settings = postgres_settings()
    rows: dict[str, int] = {}
    with duckdb_connection() as source, tempfile.TemporaryDirectory(prefix="load-raw-") as tmp:
        queries = {table: typed_select(source, raw_dir, table) for table in RAW_TABLES}
        try:
            target = psycopg2.connect(**settings)
        except psycopg2.OperationalError as exc:
            where = f"{settings['user']}@{settings['host']}:{settings['port']}/{settings['dbname']}"
            raise LoadError(f"Cannot connect to PostgreSQL {where}: {exc}".strip()) from exc
        try:
            with target, target.cursor() as cursor:
                cursor.execute(
                    sql.SQL("create schema if not exists {}").format(sql.Identifier(schema))
                )
                for table, query in queries.items():
                    relation = sql.Identifier(schema, table)
                    columns = sql.SQL(", ").join(
                        sql.SQL("{} {}").format(
                            sql.Identifier(name), sql.SQL(TYPES["postgres"][kind])
                        )
                        for name, kind in RAW_TABLES[table].items()
                    )
                    # cascade: dbt's view of the raw events (base_raw__events) reads the
                    # table; the next build creates it again
                    cursor.execute(sql.SQL("drop table if exists {} cascade").format(relation))
                    cursor.execute(sql.SQL("create table {} ({})").format(relation, columns))
                    # DuckDB writes null as an empty field and '' as "", as COPY ... csv reads them.
                    staged = Path(tmp) / f"{table}.csv"
                    options = "format csv, header false"
                    source.execute(f"copy ({query}) to {sql_string(staged.as_posix())} ({options})")
                    with staged.open() as handle:
                        cursor.copy_expert(
                            sql.SQL("copy {} from stdin with (format csv)").format(relation),
                            handle,
                        )
                    rows[table] = cursor.rowcount
                    report_unconverted(source, raw_dir, table, log)
        finally:
            target.close()
    return rows


# ---------------------------------------------------------------------------------------------
# Spark (local session, the same settings as the `spark` output of profiles.yml)
# ---------------------------------------------------------------------------------------------


def spark_settings() -> dict[str, str]:
    """The Spark session configuration of the `spark` target in profiles.yml, ANSI mode off."""
    output = profile_settings.output("spark")
    settings = profile_settings.render(output.get("server_side_parameters", {}))
    return {**{key: str(value) for key, value in settings.items()}, **LOADING_SPARK_SETTINGS}


def spark_session():  # pyspark is an optional dependency: no annotation
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise LoadError(
            "pyspark is not installed: pip install -c constraints.txt -r requirements-spark.txt"
        ) from exc
    builder = SparkSession.builder.appName("lead_scoring_load_raw_tables").enableHiveSupport()
    for key, value in spark_settings().items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def load_spark(raw_dir: Path, schema: str, log: Callable[[str], None]) -> dict[str, int]:
    rows: dict[str, int] = {}
    with duckdb_connection() as source, tempfile.TemporaryDirectory(prefix="load-raw-") as tmp:
        queries = {table: typed_select(source, raw_dir, table) for table in RAW_TABLES}
        session = spark_session()
        session.sql(f"create database if not exists `{schema}`")
        for table, query in queries.items():
            staged = Path(tmp) / f"{table}.parquet"
            source.execute(f"copy ({query}) to {sql_string(staged.as_posix())} (format parquet)")
            # DuckDB timestamps arrive as timestamp_ntz; the session time zone is UTC.
            frame = session.read.parquet(staged.as_posix()).selectExpr(
                *(
                    f"cast(`{name}` as {TYPES['spark'][kind]}) as `{name}`"
                    for name, kind in RAW_TABLES[table].items()
                )
            )
            frame.write.mode("overwrite").format("parquet").saveAsTable(f"`{schema}`.`{table}`")
            rows[table] = session.table(f"`{schema}`.`{table}`").count()
            report_unconverted(source, raw_dir, table, log)
    return rows


def report_unconverted(
    source: duckdb.DuckDBPyConnection, raw_dir: Path, table: str, log: Callable[[str], None]
) -> None:
    for column, count in count_unconverted(source, raw_dir, table).items():
        kind = RAW_TABLES[table][column]
        log(f"warning: {table}.{column}: {count} value(s) are not of type {kind}; loaded as null")


LOADERS: dict[str, Callable[[Path, str, Callable[[str], None]], dict[str, int]]] = {
    "postgres": load_postgres,
    "spark": load_spark,
}


def load(
    raw_dir: Path, target: str, schema: str, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Replace the five raw tables in `schema` on `target`; returns the rows loaded per table."""
    if target not in LOADERS:
        raise LoadError(f"unknown target {target!r}: use one of {', '.join(TARGETS)}")
    if not raw_dir.is_dir():
        raise LoadError(f"Raw folder {raw_dir} does not exist.")
    return LOADERS[target](raw_dir, schema, log)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load the five raw tables (Parquet, CSV or gzip-compressed CSV; one file or "
        "a folder of parts each) into tables on the postgres or spark target."
    )
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=Path(env("LEAD_SCORING_RAW_DIR", "data/demo")),
        help=f"folder with each raw table as one of {raw_files.layouts_text()} (<table>/: a "
        "folder of parts); default: $LEAD_SCORING_RAW_DIR or data/demo",
    )
    default_target = env("LEAD_SCORING_TARGET", "")
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default=default_target if default_target in TARGETS else None,
        required=default_target not in TARGETS,
        help="warehouse to load (default: $LEAD_SCORING_TARGET)",
    )
    parser.add_argument(
        "--schema",
        default=env("LEAD_SCORING_RAW_SCHEMA", "raw"),
        help="schema of the raw tables (default: $LEAD_SCORING_RAW_SCHEMA or raw)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    try:
        rows = load(args.raw_dir, args.target, args.schema)
    except (LoadError, raw_files.RawFileError, profile_settings.ProfileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for table, count in rows.items():
        print(f"{table}: {count} rows -> {args.target} {args.schema}.{table}")
    print(f"done in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
