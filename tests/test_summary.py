"""The run's summary (src/lead_scoring/summary.py), as an analyst reads it; no dbt needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROJECT_DIR, build_options

from lead_scoring import summary
from lead_scoring.locations import Locations
from lead_scoring.run_state import RunState


def locations(tmp_path: Path) -> Locations:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    return Locations(PROJECT_DIR, raw, tmp_path / "warehouse" / "lead_scoring.duckdb", True)


# ---------------------------------------------------------------------------------------------
# The header
# ---------------------------------------------------------------------------------------------


def test_the_header_names_the_target_dbt_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def header(*flags: str) -> list[str]:
        options = build_options(["--as-of", "2026-11-01", *flags])
        return summary.header_lines(options, RunState(as_of="2026-11-01"), locations(tmp_path))

    monkeypatch.delenv("LEAD_SCORING_TARGET", raising=False)
    assert "  target:     duckdb" in header()
    # the profile's default target follows its environment variable, as in dbt
    monkeypatch.setenv("LEAD_SCORING_TARGET", "postgres")
    assert "  target:     postgres" in header()
    assert "  target:     spark" in header("--target", "spark")
