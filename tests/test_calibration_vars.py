"""The vars of spec §8 as dbt reads them (macros/calibration/calibration_vars.sql): a good value
is used as given, and a bad one stops the run with one line naming the var and what to pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dbt_harness import copy_project, run_dbt

RENDERED = "select {{ lead_scoring.mql_sla_hours() }} as mql_sla_hours"


def compile_with_vars(tmp_path: Path, variables: dict[str, Any]) -> str:
    """dbt's output for the inline query above under `variables`."""
    project = copy_project(tmp_path / "project")
    result = run_dbt(
        project,
        ["compile", "--inline", RENDERED],
        raw_dir=tmp_path / "raw",
        database=tmp_path / "warehouse.duckdb",
        variables={"as_of": "2026-11-01", **variables},
    )
    return result.stdout + result.stderr


def test_good_values_are_used_as_given(tmp_path: Path) -> None:
    output = compile_with_vars(tmp_path, {"mql_sla_hours": 4.5})
    assert "select 4.5 as mql_sla_hours" in output


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"mql_sla_hours": "soon"}, "var mql_sla_hours='soon' is not a number above 0"),
        ({"mql_sla_hours": 0}, "var mql_sla_hours='0' is not a number above 0"),
        ({"mql_sla_hours": True}, "var mql_sla_hours='True' is not a number above 0"),
    ],
)
def test_a_bad_value_stops_the_run_naming_the_var(
    tmp_path: Path, variables: dict[str, Any], message: str
) -> None:
    output = compile_with_vars(tmp_path, variables)
    assert message in output
    name = next(iter(variables))
    assert f"set it in dbt_project.yml (vars) or pass e.g. --vars '{{{name}: " in output
