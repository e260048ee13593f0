"""Build-then-publish for the DuckDB warehouse: build folders, atomic publishing, kept builds
for rollback and their retention (the run lock P.lock is lock.py's).

Layout next to the published file P (LEAD_SCORING_DUCKDB_PATH, e.g. .../lead_scoring.duckdb):

    P                          the published warehouse BI reads (read-only)
    P.lock                     the run lock (flock), with the holder's pid, run id and start
    builds/<run_id>/<P name>   each run's own database file: built there, then copied to P;
                               kept for rollback (the last N successful ones)
    builds/<run_id>/dbt.log    dbt's debug log of that run (kept when a full disk stops the run
                               and its database files are deleted)
    backfills/as_of-<as_of>/<P name>
                               a backfill's own file: a run whose --as-of is earlier than the
                               published build's writes there instead of over P
    .<P name>.build            a link to the running build's folder: dbt opens the build file
                               through it, at the same path every run (see current_build_link)
    runs/<run_id>.json, .log   the run record and the readable log (run_records.py)

A build file has the same name as P because dbt-duckdb names the database (catalog) after the
file's stem, and the views in the file name that catalog: under another name they would break.
Publishing copies the build file to a temporary file next to P, flushes it to disk and renames
it over P (os.replace, atomic on one filesystem). A reader that has P open keeps reading the old
file (its inode lives on until it closes); a new connection opens the new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BUILDS_DIR = "builds"
BACKFILLS_DIR = "backfills"
RUNS_DIR = "runs"
BUILD_INFO_SCHEMA = "ops"
BUILD_INFO_TABLE = f"{BUILD_INFO_SCHEMA}.build_info"
PUBLISHING_SUFFIX = ".publishing"
KEEP_FAILED_BUILDS = 3
# dbt's debug log in each build folder (dbt names it; dbt_session.py points it there)
DBT_LOG = "dbt.log"


@dataclass(frozen=True)
class Layout:
    """Where everything of one published warehouse lives."""

    published: Path

    @property
    def folder(self) -> Path:
        return self.published.parent

    @property
    def lock(self) -> Path:
        return self.published.with_name(self.published.name + ".lock")

    @property
    def builds(self) -> Path:
        return self.folder / BUILDS_DIR

    @property
    def runs(self) -> Path:
        return self.folder / RUNS_DIR

    def build_dir(self, run_id: str) -> Path:
        return self.builds / run_id

    def build_file(self, run_id: str) -> Path:
        """The run's database file: same name as the published file (see the module docstring)."""
        return self.build_dir(run_id) / self.published.name

    @property
    def backfills(self) -> Path:
        return self.folder / BACKFILLS_DIR

    def backfill_file(self, as_of: str) -> Path:
        """A backfill's own file, e.g. backfills/as_of-2026-11-01/<P name> (the same file name as
        P, see the module docstring); a time of day other than midnight is in the folder name."""
        moment = datetime.fromisoformat(as_of)
        stamp = f"{moment:%Y-%m-%d}"
        if moment != moment.replace(hour=0, minute=0, second=0, microsecond=0):
            stamp += f"T{moment:%H%M%S}" + (f".{moment:%f}" if moment.microsecond else "")
        return self.backfills / f"as_of-{stamp}" / self.published.name

    @property
    def current_build_link(self) -> Path:
        """The link (see point_current_build_link) next to P: `.<P name>.build`."""
        return self.folder / f".{self.published.name}.build"

    def make_folders(self) -> None:
        for folder in (self.folder, self.builds, self.runs):
            folder.mkdir(parents=True, exist_ok=True)


def point_current_build_link(layout: Layout, run_id: str) -> Path:
    """The run's build file at a path that is the same every run; the real file if no link.

    dbt parses the whole project again when its connection settings change, and the DuckDB
    file's path is one of them: a build file in its own run folder would cost every run a full
    parse (3-4 s). So dbt opens the file through the link `.<P name>.build` -> builds/<run_id>;
    DuckDB's write-ahead log and spill folder land next to the real file. The link is replaced
    atomically (a new link renamed over the old); where links cannot be made, the real path.
    """
    link = layout.current_build_link
    temporary = link.with_name(f"{link.name}.{run_id}.tmp")
    try:
        temporary.unlink(missing_ok=True)
        os.symlink(Path(BUILDS_DIR) / run_id, temporary, target_is_directory=True)
        os.replace(temporary, link)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return layout.build_file(run_id)
    return link / layout.published.name


def wal_of(database: Path) -> Path:
    """DuckDB's write-ahead log of a database file."""
    return database.with_name(database.name + ".wal")


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp_text(moment: datetime) -> str:
    """'2026-11-23 02:15:00 UTC'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# ---------------------------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------------------------


class PublishError(Exception):
    """The build cannot be published; the published file was not touched."""


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_file(source: Path, published: Path, run_id: str) -> None:
    """Put `source` next to `published` and rename it over `published` in one atomic step.

    "Next to" is a hard link to the build file when the file system allows one (the kept
    build and the published file are then one file: a multi-GB build publishes in no time),
    else a copy. Nothing writes to a build file after it is closed, and a writer on the
    published file is refused below, so the two never differ.

    Refuses (PublishError) when `source` still has a write-ahead log (not checkpointed) or when
    the published file has one: then a process has it open read-write (BI must connect
    read-only) or crashed while writing, and DuckDB would replay that log onto the new file.
    """
    if wal_of(source).exists():
        raise PublishError(
            f"{source} still has a write-ahead log ({wal_of(source).name}); it was not "
            "checkpointed and closed, so its file alone is not the whole build."
        )
    if wal_of(published).exists():
        raise PublishError(
            f"The published warehouse has a write-ahead log ({wal_of(published)}): a process has "
            "it open read-write (BI tools must connect read-only) or crashed while writing. "
            "Close that process, or open the file once with DuckDB and run CHECKPOINT, then "
            "publish this build with `lead-scoring rollback --to RUN_ID`."
        )
    temporary = published.with_name(f".{published.name}.{run_id}{PUBLISHING_SUFFIX}")
    try:
        try:
            os.link(source, temporary)
        except OSError:
            shutil.copyfile(source, temporary)
            with temporary.open("rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(temporary, published)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise PublishError(f"could not publish {source} to {published}: {error}") from error
    fsync_dir(published.parent)


def remove_leftover_temporaries(layout: Layout) -> list[Path]:
    """Temporary publish copies, and new build links, left by a run killed at that moment."""
    removed = []
    link = layout.current_build_link
    for path in [
        *layout.folder.glob(f".{layout.published.name}.*{PUBLISHING_SUFFIX}"),
        *layout.backfills.glob(f"*/.{layout.published.name}.*{PUBLISHING_SUFFIX}"),
        *layout.folder.glob(f"{link.name}.*.tmp"),
    ]:
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


# ---------------------------------------------------------------------------------------------
# What a database file says about its build (the ops.build_info table written before publishing)
# ---------------------------------------------------------------------------------------------


def read_build_info(database: Path) -> dict[str, Any] | None:
    """The ops.build_info row of a database file, read-only; None when absent or unreadable."""
    if not database.is_file():
        return None
    import duckdb

    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            cursor = connection.execute(f"select * from {BUILD_INFO_TABLE}")
            names = [column[0] for column in cursor.description]
            row = cursor.fetchone()
    except duckdb.Error:
        return None
    return dict(zip(names, row, strict=True)) if row else None


# ---------------------------------------------------------------------------------------------
# Kept builds and retention
# ---------------------------------------------------------------------------------------------


def build_run_ids(layout: Layout) -> list[str]:
    """Every run id with a folder under builds/, oldest first (run ids sort by time)."""
    if not layout.builds.is_dir():
        return []
    return sorted(path.name for path in layout.builds.iterdir() if path.is_dir())


def prune_builds(
    layout: Layout,
    successful: set[str],
    keep: int,
    protected: set[str],
) -> list[str]:
    """Delete build folders beyond the newest `keep` successful and KEEP_FAILED_BUILDS others.

    `successful`: run ids whose build passed and was published at some point (rollback
    candidates). `protected` (the current run, the build now published) is never deleted.
    Returns the deleted run ids.
    """
    run_ids = build_run_ids(layout)
    good = [run_id for run_id in run_ids if run_id in successful]
    other = [run_id for run_id in run_ids if run_id not in successful]
    doomed = good[: max(len(good) - keep, 0)] + other[: max(len(other) - KEEP_FAILED_BUILDS, 0)]
    deleted = []
    for run_id in doomed:
        if run_id in protected:
            continue
        shutil.rmtree(layout.build_dir(run_id), ignore_errors=True)
        deleted.append(run_id)
    return deleted


def remove_build_database(layout: Layout, run_id: str) -> list[Path]:
    """Delete a build's database file and all DuckDB and publishing wrote beside it (its
    write-ahead log, spill files, rewritten copies), keeping dbt's log; returns what went."""
    build_dir = layout.build_dir(run_id)
    if not build_dir.is_dir():
        return []
    removed = []
    for path in sorted(build_dir.iterdir()):
        if path.name == DBT_LOG:
            continue
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


# ---------------------------------------------------------------------------------------------
# Finishing a build file before it is published
# ---------------------------------------------------------------------------------------------


def release_dbt_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process (its `keep_open`).

    dbt-duckdb holds one database instance per process in a class attribute and closes it
    only when the process ends; closing it here lets the build file be checkpointed, closed and
    then opened read-only like any other file. A no-op when dbt-duckdb is not installed.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    environment = getattr(DuckDBConnectionManager, "_ENV", None)
    if environment is not None:
        with contextlib.suppress(Exception):
            environment.close()
        DuckDBConnectionManager._ENV = None


def write_build_info(database: Path, info: dict[str, Any]) -> None:
    """Write ops.build_info (one row: which run built this file, as of when) and CHECKPOINT.

    Opens the file read-write in this process, after release_dbt_duckdb(): while dbt-duckdb
    holds it, opened with the profile's config_options, DuckDB refuses a connection with
    another configuration. CHECKPOINT moves everything from the write-ahead log into the file.
    """
    import duckdb

    columns = ", ".join(f"{name} {kind}" for name, kind in BUILD_INFO_COLUMNS.items())
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"create schema if not exists {BUILD_INFO_SCHEMA}")
        connection.execute(f"create or replace table {BUILD_INFO_TABLE} ({columns})")
        placeholders = ", ".join("?" for _ in BUILD_INFO_COLUMNS)
        connection.execute(
            f"insert into {BUILD_INFO_TABLE} values ({placeholders})",
            [info.get(name) for name in BUILD_INFO_COLUMNS],
        )
        connection.execute("checkpoint")


BUILD_INFO_COLUMNS = {
    "run_id": "varchar",
    "as_of": "timestamp",
    "started_at": "timestamp",
    "built_at": "timestamp",
    "target": "varchar",
    "dbt_version": "varchar",
    "selection": "varchar",
    "hash_pii": "boolean",
    "project_fingerprint": "varchar",
    "incremental_since": "timestamp",
    "unit_tests_fingerprint": "varchar",
}


def broken_views(database: Path) -> list[str]:
    """Views of the file that cannot be queried ('schema.view: error'), read-only.

    A view names the database by the file's stem, so this catches a build file that would not
    work under the published name, and views whose raw files are gone.
    """
    import duckdb

    problems = []
    with duckdb.connect(str(database), read_only=True) as connection:
        views = connection.execute(
            "select schema_name, view_name from duckdb_views()"
            " where not internal and database_name = current_database()"
            " order by all"
        ).fetchall()
        for schema, view in views:
            try:
                connection.execute(f'select * from "{schema}"."{view}" limit 0').fetchall()
            except duckdb.Error as error:
                first_line = str(error).strip().splitlines()[0]
                problems.append(f"{schema}.{view}: {first_line}")
    return problems


def columns_named(database: Path, name: str, schema: str = "marts") -> list[tuple[str, str]]:
    """(relation, column) of every table column called `name` in `schema`, read-only."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = ?"
            " and lower(column_name) = ? and database_name = current_database()",
            [schema, name.lower()],
        ).fetchall()
    return [(f'"{database.stem}"."{schema}"."{table}"', column) for table, column in rows]


def unhashed_pii(database: Path, columns: list[tuple[str, str]]) -> list[str]:
    """PII columns ((relation, column)) holding a value that is not a sha256 hex digest."""
    import duckdb

    problems = []
    with duckdb.connect(str(database), read_only=True) as connection:
        for relation, column in columns:
            row = connection.execute(
                f'select count(*) from {relation} where "{column}" is not null'
                f" and not regexp_full_match(\"{column}\", '[0-9a-f]{{64}}')"
            ).fetchone()
            if row and row[0]:
                problems.append(f"{relation}.{column}: {row[0]} value(s) not hashed")
    return problems


def keep_only_schemas(database: Path, schemas: tuple[str, ...], config: dict[str, str]) -> Path:
    """Rewrite `database` as a fresh file holding only the tables of `schemas`.

    Used for --hash-pii: the raw file views read the emails from the raw folder when queried,
    and staging and intermediate tables are no part of what that audience reads (their emails
    are hashed too, macros/raw_inputs/pii.sql); a DROP would leave their bytes in free blocks of
    the file. Copying the kept tables into a new file leaves no trace of the rest. The new file
    replaces `database` (same name, so the same catalog name); `config` is duckdb.connect()'s
    for it (its storage format: storage_format.py).
    """
    import duckdb

    fresh_dir = database.parent / "marts_only"
    fresh_dir.mkdir(exist_ok=True)
    fresh = fresh_dir / database.name
    fresh.unlink(missing_ok=True)
    escaped = str(database).replace("'", "''")
    with duckdb.connect(str(fresh), config=config) as connection:
        connection.execute(f"attach '{escaped}' as build_source (read_only)")
        tables = connection.execute(
            "select schema_name, table_name from duckdb_tables()"
            " where database_name = 'build_source' and schema_name in ("
            + ", ".join("?" for _ in schemas)
            + ") order by all",
            list(schemas),
        ).fetchall()
        for schema in sorted({schema for schema, _ in tables}):
            connection.execute(f'create schema if not exists "{schema}"')
        for schema, table in tables:
            connection.execute(
                f'create table "{schema}"."{table}" as'
                f' select * from build_source."{schema}"."{table}"'
            )
        connection.execute("detach build_source")
        connection.execute("checkpoint")
    os.replace(fresh, database)
    shutil.rmtree(fresh_dir, ignore_errors=True)
    return database
