"""The fit operators are defined once, in macros/scoring/fit_operators.sql, and everything that
lists them follows: an operator added to the definition alone passes seed validation and
matches, and a misused one is named as before; the README's operator table is generated from
the definition; the models and seed validations name no operator themselves; and each
independent twin (the reference implementation, the benchmark's floor query and pandas
baseline) knows exactly the defined operators, so adding one without its twins fails here.

What each operator matches is tested by the dbt unit tests of int_fit_rules_matched_to_leads
(models/intermediate/_unit_tests.yml) and by the property tests against the reference
(tests/test_models_match_reference.py).
"""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from functools import reduce
from operator import or_
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import PROJECT_DIR, RawData
from dbt_harness import copy_project, read_table, run_dbt
from reference import FIT_OPERATORS as REFERENCE_OPERATORS

from lead_scoring import benchmark_baselines as baselines
from lead_scoring import fit_operators
from lead_scoring.generate_demo_data import generate

# a value of each kind a rule's value can hold, on a text and on a numeric attribute
RULE_VALUES = {
    ("text", "none"): None,
    ("text", "one"): "software",
    ("text", "list"): "software | retail",
    ("number", "none"): None,
    ("number", "one"): "2",
    ("number", "list"): "1 | 2",
    ("number", "bounds"): "1 | 1000",
}
# account attributes: missing for a lead without an account
ATTRIBUTES = {"text": "industry", "number": "employee_count"}
FAKE_OPERATOR = """        'starts_with': {
            'kinds': ['text'],
            'value': 'one',
            'matches': "{attribute} like {value} || '%'",
            'description': 'the attribute starts with the value',
        },
"""


def defined() -> dict[str, tuple[set[str], str]]:
    return {op.name: (set(op.kinds), op.value) for op in fit_operators.fit_operators()}


def add_to_definition(project: Path, entry: str) -> None:
    """`entry` added first to the project's fit operators."""
    path = project / fit_operators.DEFINITION
    text = path.read_text()
    opening = "    {{ return({\n"
    assert text.count(opening) == 1
    path.write_text(text.replace(opening, opening + entry))


def project_with_readme(folder: Path, definition_edit: str = "") -> Path:
    """A copy of the definition and the README in `folder`, `definition_edit` added first."""
    (folder / fit_operators.DEFINITION).parent.mkdir(parents=True)
    shutil.copy(PROJECT_DIR / fit_operators.DEFINITION, folder / fit_operators.DEFINITION)
    add_to_definition(folder, definition_edit)
    shutil.copy(PROJECT_DIR / fit_operators.README, folder / fit_operators.README)
    return folder


# ---------------------------------------------------------------------------------------------
# Matching and seed validation
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_operator_added_to_the_definition_alone_is_validated_and_matched(
    tmp_path: Path, raw_data: RawData
) -> None:
    project = copy_project(tmp_path / "project")
    add_to_definition(project, FAKE_OPERATOR)
    with (project / "seeds" / "fit_rules.csv").open("a") as seed:
        seed.write("title_starts_vp,job_title,starts_with, VP ,5,false,2020-01-01,VP first\n")
    database = tmp_path / "warehouse.duckdb"
    result = run_dbt(
        project,
        ["build", "--select", "+int_fit_rules_matched_to_leads"],
        raw_data.folder,
        database,
        {"as_of": "2026-11-01 00:00:00", "max_dirty_row_share": 1},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "fit_rules_are_valid" in result.stdout  # the seed validation ran, and passed
    titles = read_table(database, "intermediate.int_lead_attributes", "lead_id")
    starting_with_vp = {
        row["lead_id"]
        for row in titles
        if row["attribute"] == "job_title" and (row["text_value"] or "").startswith("vp")
    }
    matches = read_table(database, "intermediate.int_fit_rules_matched_to_leads", "lead_id")
    matched = {row["lead_id"] for row in matches if row["rule_id"] == "title_starts_vp"}
    assert starting_with_vp and len(starting_with_vp) < len(titles) / 9
    assert matched == starting_with_vp


# each rule a seed validation rejects for its operator, with the problem it is named with
MISUSED_OPERATORS = [
    ("equals", "job_title", "", "operator 'equals' needs a value"),
    ("is_null", "job_title", "cto", "operator 'is_null' takes no value: leave value empty"),
    (
        "contains",
        "employee_count",
        "5",
        "operator 'contains' does not apply to the number attribute 'employee_count'",
    ),
    ("gte", "job_title", "5", "operator 'gte' does not apply to the text attribute 'job_title'"),
    ("between", "employee_count", "5", "between needs two bounds separated by | (e.g. 200 | 4999)"),
    (
        "between",
        "employee_count",
        "500 | 5",
        "between bounds are in the wrong order: put the lower bound first",
    ),
    (
        "in",
        "employee_count",
        "5 | many",
        "value has an item that is not a number, but the attribute is numeric",
    ),
]


@pytest.mark.slow
def test_a_misused_operator_is_named_by_the_seed_validation(
    tmp_path: Path, raw_data: RawData
) -> None:
    project = copy_project(tmp_path / "project")
    with (project / "seeds" / "fit_rules.csv").open("a") as seed:
        for number, (operator, attribute, value, _) in enumerate(MISUSED_OPERATORS):
            seed.write(f"misused_{number},{attribute},{operator},{value},1,false,2020-01-01,\n")
    database = tmp_path / "warehouse.duckdb"
    models = ["fit_rules", "stg_seeds__fit_rules", "int_fit_rule_values", "fit_rules_are_valid"]
    result = run_dbt(project, ["build", "--select", *models], raw_data.folder, database)
    assert result.returncode == 1, result.stdout[-3000:]
    compiled = project / "target" / "compiled" / "lead_scoring" / "data-tests" / "seed_validation"
    with duckdb.connect(str(database), read_only=True) as connection:
        problems = connection.sql((compiled / "fit_rules_are_valid.sql").read_text()).fetchall()
    named = sorted((rule_id, problem) for _, rule_id, _, problem in problems)
    assert named == sorted(
        (f"misused_{number}", problem) for number, (*_, problem) in enumerate(MISUSED_OPERATORS)
    )


# ---------------------------------------------------------------------------------------------
# The README's table
# ---------------------------------------------------------------------------------------------


def test_the_readme_lists_the_operators_of_the_definition() -> None:
    assert fit_operators.readme_is_up_to_date(PROJECT_DIR), (
        "README.md's operator table differs from macros/scoring/fit_operators.sql: "
        "run python -m lead_scoring.fit_operators"
    )
    assert fit_operators.main(["--check"]) == 0


def test_a_new_operator_leaves_the_readme_stale_until_it_is_generated(tmp_path: Path) -> None:
    project = project_with_readme(tmp_path, FAKE_OPERATOR)
    assert "starts_with" in defined_in(project)
    assert not fit_operators.readme_is_up_to_date(project)
    (project / "README.md").write_text(fit_operators.rendered_readme(project))
    assert fit_operators.readme_is_up_to_date(project)
    assert (
        "| `starts_with` | text | one value | the attribute starts with the value |"
        in (project / "README.md").read_text()
    )


def test_the_check_exits_1_and_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(fit_operators, "PROJECT_DIR", project_with_readme(tmp_path, FAKE_OPERATOR))
    assert fit_operators.main(["--check"]) == 1
    assert capsys.readouterr().out == (
        "README.md does not list the fit operators of macros/scoring/fit_operators.sql: "
        "run python -m lead_scoring.fit_operators\n"
    )
    assert fit_operators.main([]) == 0
    assert fit_operators.main(["--check"]) == 0


def defined_in(project: Path) -> list[str]:
    return [op.name for op in fit_operators.fit_operators(project)]


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (FAKE_OPERATOR.replace("'one'", "'three'"), "operator 'starts_with' has value 'three'"),
        (FAKE_OPERATOR.replace("['text']", "['date']"), "operator 'starts_with' has kinds"),
        (
            FAKE_OPERATOR.replace("            'value': 'one',\n", ""),
            "operator 'starts_with' lacks 'value'",
        ),
    ],
)
def test_a_malformed_operator_is_named_with_what_to_do(
    tmp_path: Path, edit: str, problem: str
) -> None:
    project = project_with_readme(tmp_path, edit)
    with pytest.raises(fit_operators.DefinitionError, match=problem):
        fit_operators.fit_operators(project)


def test_a_readme_without_the_markers_is_named() -> None:
    with pytest.raises(fit_operators.DefinitionError, match=r"README\.md: needs one"):
        fit_operators.with_table("no markers here", "table")


# ---------------------------------------------------------------------------------------------
# No other place names an operator
# ---------------------------------------------------------------------------------------------


def sql_reading_fit_rules() -> list[Path]:
    files = [
        path
        for folder in ("models", "macros", "data-tests")
        for path in sorted((PROJECT_DIR / folder).rglob("*.sql"))
        if "fit_rule" in path.read_text() and path.name != fit_operators.DEFINITION.name
    ]
    assert len(files) >= 4  # matching, both seed validations, the rule values
    return files


@pytest.mark.parametrize("path", sql_reading_fit_rules(), ids=lambda path: path.name)
def test_sql_reading_the_fit_rules_names_no_operator(path: Path) -> None:
    text = path.read_text()
    named = [name for name in defined() if f"'{name}'" in text]
    assert not named, f"{path.relative_to(PROJECT_DIR)} names {named}: use fit_operators()"


# ---------------------------------------------------------------------------------------------
# The twins
# ---------------------------------------------------------------------------------------------


def test_the_reference_knows_the_operators_of_the_definition() -> None:
    reference = {name: (set(op.kinds), op.value) for name, op in REFERENCE_OPERATORS.items()}
    assert reference == defined()


def rules_with_every_operator() -> list[dict[str, str]]:
    """One rule per operator and kind it applies to, each with its own power of two as points."""
    rules = []
    for op in fit_operators.fit_operators():
        for kind in op.kinds:
            rules.append(
                {
                    "rule_id": f"{op.name}_{kind}",
                    "attribute": ATTRIBUTES[kind],
                    "operator": op.name,
                    "value": RULE_VALUES[(kind, op.value)] or "",
                    "points": str(2 ** len(rules)),
                    "is_disqualifying": "false",
                    "valid_from": "2020-01-01",
                    "description": f"{op.name} on {kind}",
                }
            )
    return rules


def test_the_benchmark_baselines_agree_on_every_operator(tmp_path: Path) -> None:
    """The floor query and the pandas baseline (which refuses an operator it does not know)."""
    raw, seeds = tmp_path / "raw", tmp_path / "seeds"
    generate(
        out_dir=raw,
        leads=200,
        events_per_lead=5.0,
        seed=5,
        end_date=date(2026, 10, 31),
        days=365,
        fmt="parquet",
        dirt=True,
    )
    seeds.mkdir()
    shutil.copy(PROJECT_DIR / "seeds" / "engagement_rules.csv", seeds)
    rules = rules_with_every_operator()
    with (seeds / "fit_rules.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rules[0]))
        writer.writeheader()
        writer.writerows(rules)
    as_of = datetime(2026, 11, 1)
    floor = baselines.run_floor(raw, seeds, as_of).set_index("lead_id").sort_index()
    pandas = baselines.pandas_scores(raw, seeds, as_of).set_index("lead_id").sort_index()
    pd.testing.assert_series_equal(floor["fit_score"], pandas["fit_score"])
    # each rule's points are a bit of the score: every rule matches some lead
    assert reduce(or_, floor["fit_score"].astype(int)) == 2 ** len(rules) - 1
