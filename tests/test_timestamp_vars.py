"""The project's timestamp vars (as_of, incremental_since) as dbt reads them: every accepted
spelling normalised to one UTC text, anything else stopped with an error naming the var."""

from __future__ import annotations

from pathlib import Path

from dbt_harness import compiled_output

RENDERED = (
    "select '{{ lead_scoring.as_of_text() }}' as as_of,"
    " '{{ lead_scoring.incremental_since_text() }}' as cutoff"
)


def test_timestamp_vars_are_normalised_to_one_utc_text(tmp_path: Path) -> None:
    output = compiled_output(
        tmp_path,
        RENDERED,
        {"as_of": "2026-11-01T08:30Z", "incremental_since": "2026-10-31 07:00:00.5"},
    )
    assert "'2026-11-01 08:30:00.000000' as as_of" in output
    assert "'2026-10-31 07:00:00.500000' as cutoff" in output


def test_a_malformed_timestamp_var_is_named_with_what_to_pass(tmp_path: Path) -> None:
    as_of = compiled_output(tmp_path / "as_of", RENDERED, {"as_of": "next tuesday"})
    assert (
        "var as_of='next tuesday' is not a UTC timestamp: pass YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS'"
        in as_of
    )
    assert "e.g. --vars '{as_of: \"2026-11-01\"}'" in as_of
    cutoff = compiled_output(
        tmp_path / "cutoff",
        RENDERED,
        {"as_of": "2026-11-01", "incremental_since": "2026-10-31 7pm"},
    )
    assert "var incremental_since='2026-10-31 7pm' is not a UTC timestamp" in cutoff
    assert "leave it out for a full build" in cutoff
