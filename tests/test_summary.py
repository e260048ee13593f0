"""The run's summary (src/lead_scoring/summary.py), as an analyst reads it; no dbt needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROJECT_DIR, build_options
from readable_output import nested_brackets

from lead_scoring import summary
from lead_scoring.dbt_session import Outcome
from lead_scoring.exit_codes import ExitCode
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


# ---------------------------------------------------------------------------------------------
# The verdict
# ---------------------------------------------------------------------------------------------


def nodes_of(*statuses: str) -> list[Outcome]:
    """Data tests that ended with these statuses."""
    return [
        Outcome("test", f"test_{number}", "models/x.yml", status, "", None, 1)
        for number, status in enumerate(statuses)
    ]


def test_the_verdict_has_no_bracket_inside_a_bracket() -> None:
    verdicts = {
        summary.result_line(ExitCode.SUCCESS, []): "Result: success, exit 0.",
        summary.result_line(ExitCode.SUCCESS, nodes_of("pass", "warn")): (
            "Result: success with 1 warning, exit 0."
        ),
        summary.result_line(ExitCode.SUCCESS, nodes_of("warn", "warn", "warn")): (
            "Result: success with 3 warnings, exit 0."
        ),
        summary.result_line(ExitCode.FAILED, nodes_of("fail", "warn")): (
            "Result: FAILED, exit 1: 1 node failed. Fix the failures above and rerun."
        ),
        summary.result_line(
            ExitCode.FAILED, [], "built and tested, but not published: a WAL (x.wal) is there"
        ): (
            "Result: FAILED, exit 1: built and tested, but not published: a WAL (x.wal) is "
            "there. Nothing was published."
        ),
    }
    for verdict, expected in verdicts.items():
        assert verdict == expected
        assert not nested_brackets(verdict), verdict
