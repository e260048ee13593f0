"""load_raw_tables.py finds each raw table's one layout and reads it as one table, as the
DuckDB sources do (raw_files.py; macros/raw_inputs/raw_sources.sql for dbt)."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from conftest import RawData

from lead_scoring import load_raw_tables as loader
from lead_scoring import raw_files

RAW_TABLES = ("leads", "accounts", "events", "sales_dispositions", "opportunities")
# its raw_files module is the one whose RawFileError it raises


def copy_as(raw: RawData, table: str, target: Path, options: str = "format parquet") -> None:
    """One generated raw table written to `target` (a file) with DuckDB COPY `options`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_parquet('{raw.folder / f'{table}.parquet'}') "
            f"order by all) to '{target}' ({options})"
        )


def write_parts(raw: RawData, table: str, folder: Path, extension: str, options: str) -> None:
    """A generated raw table as three parts in `folder`, with a _SUCCESS marker beside them."""
    folder.mkdir(parents=True)
    with duckdb.connect() as connection:
        for part in range(3):
            connection.execute(
                "copy (select * exclude (part) from (select *, row_number() over () % 3 as part "
                f"from read_parquet('{raw.folder / f'{table}.parquet'}')) where part = {part}) "
                f"to '{folder / f'part-{part:05d}.{extension}'}' ({options})"
            )
    (folder / "_SUCCESS").touch()


def typed_rows(raw_dir: Path, table: str) -> list[tuple[object, ...]]:
    """The rows load_raw_tables.py would load for `table`, sorted."""
    with loader.duckdb_connection() as connection:
        query = loader.typed_select(connection, raw_dir, table)
        return sorted(connection.execute(query).fetchall(), key=repr)


def parquet_parts(raw: RawData, raw_dir: Path) -> None:
    write_parts(raw, "events", raw_dir / "events", "parquet", "format parquet")


def csv_parts(raw: RawData, raw_dir: Path) -> None:
    write_parts(raw, "events", raw_dir / "events", "csv", "header true")


def gzip_csv_parts(raw: RawData, raw_dir: Path) -> None:
    write_parts(raw, "events", raw_dir / "events", "csv.gz", "header true, compression gzip")


def gzip_csv(raw: RawData, raw_dir: Path) -> None:
    copy_as(raw, "events", raw_dir / "events.csv.gz", "header true, compression gzip")


@pytest.mark.parametrize(
    ("layout", "file_name", "options"),
    [
        (parquet_parts, "events.parquet", "format parquet"),
        (csv_parts, "events.csv", "header true"),
        (gzip_csv_parts, "events.csv", "header true"),
        (gzip_csv, "events.csv", "header true"),
    ],
)
def test_a_folder_of_parts_or_a_gzip_csv_loads_like_one_file(
    raw_data: RawData,
    tmp_path: Path,
    layout: Callable[[RawData, Path], None],
    file_name: str,
    options: str,
) -> None:
    one_file = tmp_path / "one_file"
    copy_as(raw_data, "events", one_file / file_name, options)
    exported = tmp_path / "exported"
    layout(raw_data, exported)
    rows = typed_rows(exported, "events")
    assert len(rows) == raw_data.rows["events"]
    assert rows == typed_rows(one_file, "events")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("leads.parquet", "leads.csv"),
        ("leads.csv", "leads.csv.gz"),
        ("leads.parquet", "leads/part-0.parquet"),
        ("leads/part-0.parquet", "leads/part-0.csv"),
    ],
)
def test_a_table_in_two_layouts_is_an_error_naming_both(
    raw_data: RawData, tmp_path: Path, first: str, second: str
) -> None:
    for name in (first, second):
        options = "format parquet" if name.endswith(".parquet") else "header true"
        copy_as(raw_data, "leads", tmp_path / name, options)
    with pytest.raises(loader.raw_files.RawFileError) as raised, duckdb.connect() as connection:
        loader.raw_file_reader(connection, tmp_path, "leads")
    message = str(raised.value)
    assert message.startswith("More than one raw file for table 'leads': ")
    for name in (first, second):
        shown = tmp_path / name if "/" not in name else tmp_path / name.replace("part-0", "*")
        assert str(shown) in message


def test_the_help_names_every_layout_a_raw_table_may_take(
    capsys: pytest.CaptureFixture,
) -> None:
    with pytest.raises(SystemExit):
        loader.parse_args(["--help"])
    shown = " ".join(capsys.readouterr().out.split())  # as argparse wraps it
    for layout, _ in raw_files.RAW_TABLE_LAYOUTS:
        assert layout.format(table="<table>") in shown, shown
    assert "gzip-compressed CSV" in shown and "a folder of parts" in shown


def test_a_missing_table_names_every_layout_looked_for(tmp_path: Path) -> None:
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "_SUCCESS").touch()  # a marker is no part
    with pytest.raises(loader.raw_files.RawFileError) as raised, duckdb.connect() as connection:
        loader.raw_file_reader(connection, tmp_path, "accounts")
    message = str(raised.value)
    assert message.startswith(f"Raw file missing for table 'accounts': {tmp_path} has none of ")
    assert "accounts.csv.gz" in message and "accounts/*.parquet" in message


def test_a_ragged_line_deep_in_a_csv_names_the_file_and_the_line(
    raw_data: RawData, tmp_path: Path
) -> None:
    events = tmp_path / "events.csv"
    copy_as(raw_data, "events", events, "header true")
    lines = events.read_text().splitlines(keepends=True)
    assert len(lines) > 3000
    cells = lines[2999].split(",")
    cells[2] = "webinar, live"  # event_type with an unquoted comma: one field too many
    lines[2999] = ",".join(cells)
    events.write_text("".join(lines))
    with pytest.raises(loader.raw_files.RawFileError) as raised:
        typed_rows(tmp_path, "events")
    message = str(raised.value)
    assert message.startswith(f"Raw file {events}, line 3000: more fields than the header")
    assert "quote it in the export, or fix the line" in message


@pytest.mark.parametrize("name", ["events.csv", "events.csv.gz"])
def test_the_line_named_is_the_files_line_after_a_quoted_line_break(
    raw_data: RawData, tmp_path: Path, name: str
) -> None:
    """A quoted value holding a line break makes one record of two lines: the message names
    the line an editor shows (3,001 here), not the reader's record number (3,000)."""
    plain = tmp_path / "plain.csv"
    copy_as(raw_data, "events", plain, "header true")
    lines = plain.read_text().splitlines(keepends=True)
    cells = lines[9].split(",")
    cells[2] = '"page\nview"'  # event_type quoted across two lines (read as one value)
    lines[9] = ",".join(cells)
    cells = lines[2999].split(",")
    cells[2] = "webinar, live"  # an unquoted comma: one field too many
    lines[2999] = ",".join(cells)
    text = "".join(lines).encode()
    events = tmp_path / name
    events.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    with pytest.raises(loader.raw_files.RawFileError) as raised:
        typed_rows(tmp_path, "events")
    assert str(raised.value).startswith(f"Raw file {events}, line 3001: more fields than")


def test_a_quoted_value_after_the_sniffed_sample_is_one_value(
    raw_data: RawData, tmp_path: Path
) -> None:
    """The reader's sniffer sees no quote in the first 20,000 lines; the value with a comma
    quoted further down is still one value, as the export meant."""
    events = tmp_path / "events.csv"
    copy_as(raw_data, "events", events, "header true")
    header, *lines = events.read_text().splitlines(keepends=True)
    unquoted = [line for line in lines if '"' not in line]
    body = (unquoted * (25_000 // len(unquoted) + 1))[:25_000]
    cells = body[-1].split(",")
    cells[2] = '"webinar, live"'
    body[-1] = ",".join(cells)
    events.write_text("".join([header, *body]))
    rows = typed_rows(tmp_path, "events")
    assert len(rows) == 25_000
    assert sum(row[2] == "webinar, live" for row in rows) == 1


def test_a_part_of_0_bytes_is_an_error_naming_it(raw_data: RawData, tmp_path: Path) -> None:
    parquet_parts(raw_data, tmp_path)
    empty = tmp_path / "events" / "part-00003.parquet"
    empty.touch()
    with pytest.raises(loader.raw_files.RawFileError, match=f"Raw file empty: {empty} has 0 bytes"):
        typed_rows(tmp_path, "events")


def test_every_raw_table_loads_from_a_mixed_export(raw_data: RawData, tmp_path: Path) -> None:
    """The five tables each in another layout, as exports from several tools would be."""
    shutil.copy(raw_data.folder / "accounts.parquet", tmp_path)
    copy_as(raw_data, "leads", tmp_path / "leads.csv.gz", "header true, compression gzip")
    parquet_parts(raw_data, tmp_path)
    copy_as(raw_data, "sales_dispositions", tmp_path / "sales_dispositions.csv", "header true")
    write_parts(raw_data, "opportunities", tmp_path / "opportunities", "csv", "header true")
    for table in RAW_TABLES:
        assert len(typed_rows(tmp_path, table)) == raw_data.rows[table], table
