"""The DuckDB storage format of the warehouse files: one that BI tools' own DuckDB can open.

BI tools embed a DuckDB of their own (the DuckDB CLI, @duckdb/node-api in Evidence, the JDBC
and ODBC drivers), often older than the DuckDB that builds the warehouse, and no DuckDB opens a
file written in a newer DuckDB's storage format ("Trying to read a database file with version
number 69, but we can only read versions between 64 and 68"). profiles.yml names the format
(config_options: storage_compatibility_version, e.g. v1.4.0: DuckDB 1.4 and newer open the
file), and DuckDB creates a new file in it. An existing file keeps the format it was created
in, whoever opens it later; so a build made before the setting, and the copy an incremental
run makes of such a published file, are rewritten in the format before they are published.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# DuckDB's name for "its own, newest format": no older reader to write for
NEWEST = "latest"
REWRITING_DIR = "rewriting"


def connect_config(version: str | None) -> dict[str, str]:
    """duckdb.connect()'s config that creates a new file in storage format `version` (as dbt
    does with the profile's config_options); {} for DuckDB's own format."""
    return {"storage_compatibility_version": version} if version else {}


def oldest_reader(database: Path) -> str:
    """The oldest DuckDB that opens the file, e.g. 'v1.4.0' (DuckDB's storage_version tag)."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute(
            "select tags['storage_version'] from duckdb_databases()"
            " where database_name = current_database()"
        ).fetchone()
    return str(row[0] if row else NEWEST).rstrip("+")


def version_key(version: str) -> tuple[int, ...]:
    """'v1.4.0' -> (1, 4, 0), for comparing DuckDB versions."""
    return tuple(int(part) for part in version.removeprefix("v").split("."))


def needs_rewrite(database: Path, version: str | None) -> bool:
    """Whether a DuckDB of `version` cannot open the file (None or 'latest': any format will do)."""
    if not version or version == NEWEST:
        return False
    found = oldest_reader(database)
    return found == NEWEST or version_key(found) > version_key(version)


def rewrite_for_readers(database: Path, version: str | None) -> str | None:
    """Rewrite `database` in storage format `version` when a DuckDB of that version cannot
    open it; returns the format it was in (None when it was already readable).

    Every schema, table, view and macro is copied into a new file with the same name (the
    views name the catalog after the file's stem), which then replaces `database`.
    """
    if not needs_rewrite(database, version):
        return None
    import duckdb

    previous = oldest_reader(database)
    fresh_dir = database.parent / REWRITING_DIR
    fresh_dir.mkdir(exist_ok=True)
    fresh = fresh_dir / database.name
    fresh.unlink(missing_ok=True)
    escaped = str(database).replace("'", "''")
    with duckdb.connect(str(fresh), config=connect_config(version)) as connection:
        connection.execute(f"attach '{escaped}' as rewrite_source (read_only)")
        connection.execute(f'copy from database rewrite_source to "{database.stem}"')
        connection.execute("detach rewrite_source")
        connection.execute("checkpoint")
    os.replace(fresh, database)
    shutil.rmtree(fresh_dir, ignore_errors=True)
    return previous
