"""scripts/load_raw_tables.py finds each raw table's one file, as the DuckDB sources do."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_script


def test_a_table_in_both_formats_is_an_error_naming_both_files(tmp_path: Path) -> None:
    loader = load_script("load_raw_tables")
    (tmp_path / "leads.parquet").write_bytes(b"PAR1")
    (tmp_path / "leads.csv").write_text("lead_id\nL1\n")
    with pytest.raises(loader.LoadError) as raised:
        loader.raw_file_reader(tmp_path, "leads")
    message = str(raised.value)
    assert "Two raw files for table 'leads'" in message
    assert str(tmp_path / "leads.parquet") in message and str(tmp_path / "leads.csv") in message


def test_one_file_is_read_in_its_format(tmp_path: Path) -> None:
    loader = load_script("load_raw_tables")
    (tmp_path / "events.csv").write_text("event_id\nE1\n")
    (tmp_path / "leads.parquet").write_bytes(b"PAR1")
    assert loader.raw_file_reader(tmp_path, "events").startswith("read_csv(")
    assert loader.raw_file_reader(tmp_path, "leads").startswith("read_parquet(")
    with pytest.raises(loader.LoadError, match="Raw file missing"):
        loader.raw_file_reader(tmp_path, "accounts")
