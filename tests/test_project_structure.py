"""The project's DAG keeps its layers (tests/project_structure.py has the rules and why).

`dbt parse` writes the manifest of a copy of the project; the check reads it. Each rule is also
shown to fail: a copy with one seeded violation must be reported, naming the node and the rule.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import project_structure
import pytest
from dbt_harness import DBT, copy_project

pytestmark = pytest.mark.slow


def parsed_manifest(project_dir: Path) -> project_structure.Manifest:
    """`dbt parse` of the project in `project_dir`, and the manifest it wrote."""
    environment = {
        **os.environ,
        "LEAD_SCORING_DUCKDB_PATH": str(project_dir / "parse.duckdb"),
        "DBT_PROFILES_DIR": str(project_dir),
    }
    parse = subprocess.run(
        [DBT, "parse", "--project-dir", str(project_dir), "--no-partial-parse"],
        cwd=project_dir,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert parse.returncode == 0, f"dbt parse failed:\n{parse.stdout}\n{parse.stderr}"
    return project_structure.read_manifest(project_dir / "target")


def write(project_dir: Path, path: str, text: str) -> None:
    (project_dir / path).parent.mkdir(parents=True, exist_ok=True)
    (project_dir / path).write_text(text)


def second_reader_of_a_source(project_dir: Path) -> None:
    write(
        project_dir,
        "models/staging/stg_raw__leads_again.sql",
        "select * from {{ source('raw', 'leads') }}\n",
    )


def staging_reading_staging(project_dir: Path) -> None:
    write(
        project_dir,
        "models/staging/stg_seeds__fit_grades_again.sql",
        "select * from {{ ref('stg_seeds__fit_grades') }}\n",
    )


def intermediate_reading_a_source(project_dir: Path) -> None:
    write(
        project_dir,
        "models/intermediate/int_raw_accounts.sql",
        "select * from {{ source('raw', 'accounts') }}\n",
    )


def intermediate_reading_a_mart(project_dir: Path) -> None:
    write(
        project_dir,
        "models/intermediate/int_leads_from_the_mart.sql",
        "select * from {{ ref('dim_leads') }}\n",
    )


def model_without_key_test_or_description(project_dir: Path) -> None:
    write(project_dir, "models/intermediate/int_undocumented.sql", "select 1 as undocumented_id\n")


def public_mart_without_contract(project_dir: Path) -> None:
    yml = project_dir / "models/marts/quality/_quality__models.yml"
    text = yml.read_text()
    assert "contract: {enforced: true}" in text
    yml.write_text(text.replace("contract: {enforced: true}", "contract: {enforced: false}", 1))


def macro_calling_ref(project_dir: Path) -> None:
    write(
        project_dir,
        "macros/leads_of_the_mart.sql",
        "{% macro leads_of_the_mart() %}select * from {{ ref('dim_leads') }}{% endmacro %}\n",
    )


def macro_without_description(project_dir: Path) -> None:
    write(
        project_dir,
        "macros/scoring/undocumented.sql",
        "{% macro undocumented() %}1{% endmacro %}\n",
    )


def warning_without_words(project_dir: Path) -> None:
    write(
        project_dir,
        "data-tests/leads_without_email.sql",
        "{{ config(severity='warn') }}\nselect * from {{ ref('dim_leads') }} where email is null\n",
    )


SEEDED: dict[str, tuple[Callable[[Path], None], str]] = {
    "source_read_once": (
        second_reader_of_a_source,
        "source read outside its one model: source.lead_scoring.raw.leads: read by 2 models",
    ),
    "staging_on_staging": (
        staging_reading_staging,
        "staging depends on staging: model.lead_scoring.stg_seeds__fit_grades_again reads "
        "model.lead_scoring.stg_seeds__fit_grades",
    ),
    "source_outside_staging": (
        intermediate_reading_a_source,
        "intermediate or mart depends on a source: model.lead_scoring.int_raw_accounts reads "
        "source.lead_scoring.raw.accounts",
    ),
    "intermediate_on_mart": (
        intermediate_reading_a_mart,
        "intermediate depends on a mart: model.lead_scoring.int_leads_from_the_mart reads "
        "model.lead_scoring.dim_leads",
    ),
    "primary_key_and_description": (
        model_without_key_test_or_description,
        "model without a primary-key test: model.lead_scoring.int_undocumented",
    ),
    "public_mart_contract": (
        public_mart_without_contract,
        "public mart without an enforced contract: model.lead_scoring.rpt_data_quality",
    ),
    "ref_in_macro": (
        macro_calling_ref,
        "ref() inside a macro: macro.lead_scoring.leads_of_the_mart",
    ),
    "macro_description": (
        macro_without_description,
        "macro without a description: macro.lead_scoring.undocumented",
    ),
    "warning_in_words": (
        warning_without_words,
        "data test that can warn without words: test.lead_scoring.leads_without_email",
    ),
}


def test_every_rule_is_seeded() -> None:
    assert set(SEEDED) == set(project_structure.RULES)


def test_the_project_keeps_its_layers(tmp_path: Path) -> None:
    manifest = parsed_manifest(copy_project(tmp_path / "project"))
    problems = project_structure.violations(manifest)
    assert not problems, "The DAG breaks its layering rules:\n" + "\n".join(problems)


@pytest.mark.parametrize("rule", sorted(SEEDED))
def test_a_seeded_violation_is_reported(tmp_path: Path, rule: str) -> None:
    seed, expected = SEEDED[rule]
    project_dir = copy_project(tmp_path / "project")
    seed(project_dir)
    reported = project_structure.RULES[rule](parsed_manifest(project_dir))
    assert any(line.startswith(expected) for line in reported), (
        f"rule {rule} did not report the seeded violation; it reported: {reported}"
    )
