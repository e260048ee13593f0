"""The project's timestamp vars (as_of, incremental_since) as dbt reads them: every accepted
spelling normalised to one UTC text, anything else stopped with an error naming the var."""

from __future__ import annotations

from pathlib import Path

from tests.dbt_harness import copy_project, run_dbt

RENDERED = (
    "select '{{ lead_scoring.as_of_text() }}' as as_of,"
    " '{{ lead_scoring.incremental_since_text() }}' as cutoff"
)


def compile_vars(tmp_path: Path, variables: dict[str, str]) -> str:
    """dbt's output for the inline query above under `variables`."""
    project = copy_project(tmp_path / "project")
    result = run_dbt(
        project,
        ["compile", "--inline", RENDERED],
        raw_dir=tmp_path / "raw",
        database=tmp_path / "warehouse.duckdb",
        variables=variables,
    )
    return result.stdout + result.stderr


def test_timestamp_vars_are_normalised_to_one_utc_text(tmp_path: Path) -> None:
    output = compile_vars(
        tmp_path, {"as_of": "2026-11-01T08:30Z", "incremental_since": "2026-10-31 07:00:00.5"}
    )
    assert "'2026-11-01 08:30:00.000000' as as_of" in output
    assert "'2026-10-31 07:00:00.500000' as cutoff" in output


def test_a_malformed_timestamp_var_is_named_with_what_to_pass(tmp_path: Path) -> None:
    as_of = compile_vars(tmp_path / "as_of", {"as_of": "next tuesday"})
    assert (
        "var as_of='next tuesday' is not a UTC timestamp: pass YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS'"
        in as_of
    )
    assert "e.g. --vars '{as_of: \"2026-11-01\"}'" in as_of
    cutoff = compile_vars(
        tmp_path / "cutoff", {"as_of": "2026-11-01", "incremental_since": "2026-10-31 7pm"}
    )
    assert "var incremental_since='2026-10-31 7pm' is not a UTC timestamp" in cutoff
    assert "leave it out for a full build" in cutoff
