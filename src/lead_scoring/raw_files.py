"""Where each raw table of the spec (§2) is in the raw folder, in the layouts exports come in.

A raw table is one file, ``<table>.parquet``, ``<table>.csv`` or ``<table>.csv.gz`` (CSV with a
header row), or a folder ``<table>/`` of parts that together are the table, all ``.parquet``,
all ``.csv`` or all ``.csv.gz`` (each CSV part with its header row): what Spark, pyarrow
datasets or a per-thread DuckDB COPY write. Only the files directly in the folder are parts;
markers beside them (``_SUCCESS``, ``.crc`` checksums) are not read. A table in two layouts at
once is an error: an old export left beside a new one would be read without a word.

macros/raw_inputs/raw_sources.sql reads the same layouts, with the same checks, for dbt on
DuckDB; this module serves load_raw_tables.py and the build's checks.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the build imports this module and keeps duckdb's import for when it is used
    import duckdb

# (path pattern relative to the raw folder, file format); keep in step with raw_table_layouts
# in macros/raw_inputs/raw_sources.sql
RAW_TABLE_LAYOUTS = (
    ("{table}.parquet", "parquet"),
    ("{table}.csv", "csv"),
    ("{table}.csv.gz", "csv"),
    ("{table}/*.parquet", "parquet"),
    ("{table}/*.csv", "csv"),
    ("{table}/*.csv.gz", "csv"),
)
# The CSV dialect's reader options, in sniff_csv's column order, with the value taken when the
# sniffed sample did not show one: RFC 4180's, which exporters write (raw_csv_dialect in
# macros/raw_inputs/raw_sources.sql says why it is pinned).
CSV_DIALECT = (("delim", ","), ("quote", '"'), ("escape", '"'), ("comment", ""))
NOT_SNIFFED = "(empty)"
# What an unreadable CSV line's reject type means, and what to do about it.
CSV_LINE_PROBLEMS = {
    "TOO MANY COLUMNS": (
        "more fields than the header",
        "a value with a comma is probably not quoted (such as VP, Engineering): quote it in "
        "the export, or fix the line",
    ),
    "MISSING COLUMNS": (
        "fewer fields than the header",
        "the line is cut short, or a value holding a line break is not quoted: fix the line in "
        "the export",
    ),
    "UNQUOTED VALUE": (
        "a quote inside a value that is not escaped",
        'write the quote twice ("") in the export, or fix the line',
    ),
    "INVALID ENCODING": ("text that is not UTF-8", "export the file as UTF-8"),
    "LINE SIZE OVER MAXIMUM": (
        "no end within the longest line the reader takes",
        "a quote is probably never closed: fix the line in the export",
    ),
}
UNKNOWN_CSV_LINE_PROBLEM = ("a value that cannot be read as CSV", "fix the line in the export")
# The line check sets the lines that do not fit aside in these temporary tables.
REJECTED_LINES_TABLE = "raw_csv_rejected_lines"
REJECT_SCANS_TABLE = "raw_csv_scans"
# The line check's null string, which no export writes: an empty field is then a value, which
# the reader does not drop past the header's last column (it drops empty ones without a word, and
# with them the sign of a value shifted by an unquoted comma when the last column is empty).
NO_NULL_STRING = "no field is null in the line check"
FIRST_REJECTED_LINE_SQL = f"""
with rejected as (
    select scans.file_path, rejects.line, rejects.line_byte_position, rejects.column_idx,
        cast(rejects.error_type as varchar) as error_type, rejects.error_message
    from {REJECTED_LINES_TABLE} as rejects
    inner join {REJECT_SCANS_TABLE} as scans
        on rejects.scan_id = scans.scan_id and rejects.file_id = scans.file_id
)
select file_path, line, line_byte_position, error_type, error_message,
    (select count(distinct (file_path, line)) from rejected) as rejected_lines
from rejected
order by file_path, line, column_idx
limit 1
"""


class RawFileError(Exception):
    """A raw table the user must fix: missing, in two layouts, empty, or an unreadable line."""


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class RawTableFiles:
    """One raw table as found in the raw folder: a file, or a folder's parts."""

    table: str
    pattern: Path  # the file, or <folder>/*.<extension> for the parts
    file_format: str  # 'parquet' or 'csv'
    files: tuple[Path, ...]

    def describe(self) -> str:
        """The file, or the folder's pattern and how many parts it matches."""
        if "*" in self.pattern.name:
            count = len(self.files)
            return f"{self.pattern} ({count} {'file' if count == 1 else 'files'})"
        return str(self.pattern)


def layouts_text(table: str = "<table>") -> str:
    """Every layout a raw table may take, in words: '<table>.parquet, ... or <table>/*.csv.gz'."""
    layouts = [layout.format(table=table) for layout, _ in RAW_TABLE_LAYOUTS]
    return ", ".join(layouts[:-1]) + " or " + layouts[-1]


def layouts_present(raw_dir: Path, table: str) -> list[RawTableFiles]:
    """Each layout the table is in within raw_dir (none, one, or more: a mistake)."""
    present = []
    for layout, file_format in RAW_TABLE_LAYOUTS:
        pattern = layout.format(table=table)
        files = tuple(sorted(path for path in raw_dir.glob(pattern) if path.is_file()))
        if files:
            present.append(RawTableFiles(table, raw_dir / pattern, file_format, files))
    return present


def find_raw_table(raw_dir: Path, table: str) -> RawTableFiles:
    """The table's one layout in raw_dir; RawFileError when it has none or several."""
    present = layouts_present(raw_dir, table)
    if len(present) > 1:
        listed = [found.describe() for found in present]
        raise RawFileError(
            f"More than one raw file for table '{table}': {', '.join(listed[:-1])} and "
            f"{listed[-1]}. Keep only the current export there (delete or move the rest): "
            "which one is meant cannot be guessed."
        )
    if not present:
        layouts = [layout.format(table=table) for layout, _ in RAW_TABLE_LAYOUTS]
        raise RawFileError(
            f"Raw file missing for table '{table}': {raw_dir} has none of {', '.join(layouts)}. "
            "Point --raw-dir (or LEAD_SCORING_RAW_DIR) at the folder holding the five raw "
            "tables (leads, accounts, events, sales_dispositions, opportunities)."
        )
    return present[0]


def check_files_have_bytes(found: RawTableFiles) -> None:
    """RawFileError naming a file (or part) of 0 bytes: its export wrote nothing."""
    for path in found.files:
        if path.stat().st_size == 0:
            raise RawFileError(
                f"Raw file empty: {path} has 0 bytes (raw table '{found.table}'). The export "
                "that writes it probably failed; rerun it, then rerun the load."
            )


def csv_dialect(connection: duckdb.DuckDBPyConnection, found: RawTableFiles) -> list[str]:
    """The reader options pinning the dialect a tolerant sniff of the first file finds."""
    sniffed = connection.execute(
        "select Delimiter, Quote, Escape, Comment, SkipRows from sniff_csv("
        f"{sql_string(found.files[0].as_posix())}, ignore_errors = true)"
    ).fetchone()
    assert sniffed is not None
    *dialect, skip = sniffed
    options = [
        f"{name} = {sql_string(unseen if value == NOT_SNIFFED else value)}"
        for (name, unseen), value in zip(CSV_DIALECT, dialect, strict=True)
    ]
    return [*options, f"skip = {skip}"]


def csv_reader(found: RawTableFiles, options: list[str]) -> str:
    """read_csv of the raw CSV text (a header row, every column as text) with `options`."""
    arguments = [sql_string(found.pattern.as_posix()), "header = true", "all_varchar = true"]
    return f"read_csv({', '.join([*arguments, *options])})"


def reader(connection: duckdb.DuckDBPyConnection, found: RawTableFiles) -> str:
    """The DuckDB table function that reads the table (every part of a folder at once)."""
    if found.file_format == "parquet":
        return f"read_parquet({sql_string(found.pattern.as_posix())})"
    return csv_reader(found, csv_dialect(connection, found))


def drop_reject_tables(connection: duckdb.DuckDBPyConnection) -> None:
    for table in (REJECTED_LINES_TABLE, REJECT_SCANS_TABLE):
        connection.execute(f"drop table if exists {table}")


def physical_line(path: Path, byte_position: int) -> int:
    """The line of the file (as an editor counts them) on which the byte at byte_position is.

    The reader counts records, and a quoted value holding a line break makes one record of two
    lines: counting the line breaks before the byte names the line the user will find.
    """
    opener = gzip.open if path.name.endswith(".gz") else open
    line_breaks = 0
    remaining = byte_position
    with opener(path, "rb") as stream:
        while remaining > 0:
            chunk = stream.read(min(remaining, 1 << 20))
            if not chunk:
                break
            line_breaks += chunk.count(b"\n")
            remaining -= len(chunk)
    return line_breaks + 1


def check_csv_lines(connection: duckdb.DuckDBPyConnection, found: RawTableFiles) -> None:
    """RawFileError naming the file and line of the table's first CSV line that does not split
    into the header's columns (a value with an unquoted comma, a line cut short).

    Wherever that line is, the reader alone would stop at it with its own error, which offers
    reader options nobody can pass here; so every line is read once here, with the lines that
    do not fit set aside to be named.
    """
    if found.file_format != "csv":
        return
    setting_aside = [
        f"nullstr = {sql_string(NO_NULL_STRING)}",
        "ignore_errors = true",
        "store_rejects = true",
        f"rejects_table = {sql_string(REJECTED_LINES_TABLE)}",
        f"rejects_scan = {sql_string(REJECT_SCANS_TABLE)}",
    ]
    drop_reject_tables(connection)
    options = [*csv_dialect(connection, found), *setting_aside]
    connection.execute(f"select count(*) from {csv_reader(found, options)}").fetchall()
    first = connection.execute(FIRST_REJECTED_LINE_SQL).fetchone()
    drop_reject_tables(connection)
    if first is None:
        return
    file_path, record, byte_position, error_type, detail, rejected_lines = first
    line = physical_line(Path(file_path), byte_position) if byte_position is not None else record
    problem, advice = CSV_LINE_PROBLEMS.get(error_type, UNKNOWN_CSV_LINE_PROBLEM)
    others = (
        f" {rejected_lines} lines of raw table '{found.table}' cannot be read."
        if rejected_lines > 1
        else ""
    )
    raise RawFileError(
        f"Raw file {file_path}, line {line}: {problem} ({detail}); {advice}, and rerun.{others}"
    )
