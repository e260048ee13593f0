"""The vars of spec §8 as dbt reads them (macros/calibration/calibration_vars.sql): a good value
is used as given, and a bad one stops the run with one line naming the var and what to pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import RawData, RunOrchestrator
from dbt_harness import compiled_output

RENDERED = (
    "select {{ lead_scoring.mql_sla_hours() }} as mql_sla_hours,"
    " '{{ lead_scoring.calibration_settings() }}' as calibration,"
    " '{{ lead_scoring.backtest_thresholds() }}' as thresholds"
)


def compile_with_vars(tmp_path: Path, variables: dict[str, Any]) -> str:
    """dbt's output for the inline query above under `variables` (as_of given)."""
    return compiled_output(tmp_path, RENDERED, {"as_of": "2026-11-01", **variables})


def test_good_values_are_used_as_given(tmp_path: Path) -> None:
    output = compile_with_vars(
        tmp_path,
        {"mql_sla_hours": 4.5, "calibration_outcome": "customer", "calibration_min_leads": 0},
    )
    assert "select 4.5 as mql_sla_hours" in output
    assert "'outcome': 'customer', 'outcome_column': 'customer_at'" in output
    assert "'horizon_days': 90, 'lookback_days': 365" in output
    assert "'points_to_double_odds': 10, 'min_leads': 0" in output
    assert "'None' as thresholds" in output
    listed = compile_with_vars(tmp_path / "listed", {"backtest_thresholds": [40, 52.5]})
    assert "'[40, 52.5]' as thresholds" in listed


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"mql_sla_hours": "soon"}, "var mql_sla_hours='soon' is not a number above 0"),
        ({"mql_sla_hours": 0}, "var mql_sla_hours='0' is not a number above 0"),
        ({"mql_sla_hours": True}, "var mql_sla_hours='True' is not a number above 0"),
        (
            {"calibration_outcome": "won"},
            "var calibration_outcome='won' is not one of sql, opportunity, customer",
        ),
        (
            {"calibration_horizon_days": 1.5},
            "var calibration_horizon_days='1.5' is not a whole number above 0",
        ),
        (
            {"calibration_lookback_days": "365"},
            "var calibration_lookback_days='365' is not a whole number above 0",
        ),
        (
            {"points_to_double_odds": 0},
            "var points_to_double_odds='0' is not a number above 0",
        ),
        (
            {"calibration_min_leads": -1},
            "var calibration_min_leads='-1' is not a whole number of 0 or more",
        ),
        (
            {"backtest_thresholds": "40,50"},
            "var backtest_thresholds='40,50' is not a list of numbers",
        ),
        (
            {"backtest_thresholds": [40, "fifty"]},
            "var backtest_thresholds='[40, 'fifty']' is not a list of numbers",
        ),
    ],
)
def test_a_bad_value_stops_the_run_naming_the_var(
    tmp_path: Path, variables: dict[str, Any], message: str
) -> None:
    output = compile_with_vars(tmp_path, variables)
    assert message in output
    name = next(iter(variables))
    assert f"set it in dbt_project.yml (vars) or pass e.g. --vars '{{{name}: " in output


@pytest.mark.slow
def test_a_bad_calibration_outcome_stops_the_run_before_anything_is_built(
    run_orchestrator: RunOrchestrator, project_copy: Path, tmp_path: Path, raw_data: RawData
) -> None:
    settings = project_copy / "dbt_project.yml"
    settings.write_text(
        settings.read_text().replace("calibration_outcome: sql", "calibration_outcome: won")
    )
    code, output = run_orchestrator(
        project_copy, raw_dir=raw_data.folder, duckdb_path=tmp_path / "warehouse.duckdb"
    )
    assert code == 2, output
    assert "var calibration_outcome='won' is not one of sql, opportunity, customer" in output
    assert "Traceback" not in output
    assert not (tmp_path / "warehouse.duckdb").exists()
