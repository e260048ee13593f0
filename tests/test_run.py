"""`lead-scoring run`, the orchestrator (spec §7): whole runs on generated data and broken projects.

The end-to-end tests run the script in a subprocess on a copy of the project, each on its own
DuckDB file, and check real outcomes by reading that file read-only after the run.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import PROJECT_DIR, RawData, RunOrchestrator, build_as_of, build_options
from dbt_harness import marts_rows, same_within_spec
from markdown_docs import SqlExample, sql_examples
from readable_output import TERMINAL_ESCAPE, nested_brackets

from lead_scoring import dbt_session, incremental, inputs, publishing
from lead_scoring.arguments import parse_as_of as as_of_parser
from lead_scoring.run_state import RunState

AS_OF = "2026-11-01T00:00:00Z"
RAW_TABLES = ("leads", "accounts", "events", "sales_dispositions", "opportunities")
# The model holding each raw table's final data-quality verdict (dq_issue null: clean).
VERDICT_MODELS = {
    "leads": "staging.stg_raw__leads",
    "accounts": "staging.stg_raw__accounts",
    "events": "intermediate.int_events_validated",
    "sales_dispositions": "intermediate.int_sales_dispositions_validated",
    "opportunities": "intermediate.int_opportunities_validated",
}
# Every kind of dirt the generator makes that a verdict names: (model, dq_issue).
EXPECTED_DIRT = (
    ("staging.stg_raw__leads", "duplicate_key"),
    ("staging.stg_raw__events", "duplicate_key"),
    ("staging.stg_raw__events", "null_occurred_at"),
    ("staging.stg_raw__events", "after_as_of"),
    ("staging.stg_raw__sales_dispositions", "unknown_status"),
    ("intermediate.int_events_validated", "unknown_lead"),
    ("intermediate.int_sales_dispositions_validated", "unknown_lead"),
)


def scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The single value of a query."""
    row = connection.execute(sql).fetchone()
    assert row is not None
    return row[0]


def raw_file(raw: RawData, table: str) -> str:
    """A DuckDB table function reading one generated raw table."""
    return f"read_parquet('{raw.folder / f'{table}.parquet'}')"


# ---------------------------------------------------------------------------------------------
# --as-of (no dbt needed)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parse_as_of() -> Callable[[str], str]:
    """`lead-scoring run`'s --as-of parser."""
    return as_of_parser


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-11-01", "2026-11-01 00:00:00"),
        ("2026-11-01 08:30", "2026-11-01 08:30:00"),
        ("2026-11-01 08:30:15", "2026-11-01 08:30:15"),
        ("2026-11-01 08:30:15.25", "2026-11-01 08:30:15.250000"),
        ("2026-11-01T08:30:15Z", "2026-11-01 08:30:15"),
        ("2026-11-01T08:30:15.123456Z", "2026-11-01 08:30:15.123456"),
        ("2026-11-01T01:30:00+02:00", "2026-10-31 23:30:00"),
        (" 2026-11-01 ", "2026-11-01 00:00:00"),
    ],
)
def test_as_of_accepts_dates_and_timestamps(
    parse_as_of: Callable[[str], str], given: str, expected: str
) -> None:
    assert parse_as_of(given) == expected


@pytest.mark.parametrize(
    "given",
    ["", "yesterday", "2026-13-01", "2026-02-30", "2026-11-01 25:00", "20261101", "2026-11-01Z"],
)
def test_as_of_rejects_anything_else(parse_as_of: Callable[[str], str], given: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="not a UTC timestamp"):
        parse_as_of(given)


def test_flags_pass_through_to_dbt_build() -> None:
    given = "--as-of 2026-11-01 --target ci --full-refresh --select staging +dim_leads"
    options = build_options([*given.split(), "--select", "tag:daily"])
    arguments = dbt_session.build_arguments(options, RunState(as_of="2026-11-01"), PROJECT_DIR)
    assert arguments[0] == "build"
    assert arguments[arguments.index("--project-dir") + 1] == str(PROJECT_DIR)
    assert arguments[arguments.index("--profiles-dir") + 1] == str(PROJECT_DIR)
    assert arguments[arguments.index("--target") + 1] == "ci"
    assert "--full-refresh" in arguments
    selected = arguments.index("--select")
    assert arguments[selected + 1 : selected + 4] == ["staging", "+dim_leads", "tag:daily"]
    # as_of reaches dbt in the environment, so that --vars (and dbt's parse) stay the same
    assert "--vars" not in arguments


def test_defaults_pass_no_as_of_and_no_selection() -> None:
    arguments = dbt_session.build_arguments(
        build_options([]), RunState(as_of="2026-11-01"), PROJECT_DIR
    )
    assert "--vars" not in arguments and "--select" not in arguments
    assert "--target" not in arguments and "--full-refresh" not in arguments


def test_dbt_logs_to_the_run_log_not_the_console() -> None:
    """dbt's console stays quiet (the progress display shows the run), dbt.log keeps it all."""
    options, state = build_options([]), RunState(as_of="2026-11-01")
    for arguments in (
        dbt_session.build_arguments(options, state, PROJECT_DIR),
        dbt_session.freshness_arguments(options, PROJECT_DIR),
    ):
        assert arguments[arguments.index("--log-level") + 1] == "none"
        assert arguments[arguments.index("--log-level-file") + 1] == "debug"


def test_as_of_and_cutoff_reach_dbt_in_the_environment() -> None:
    options = build_options(["--as-of", "2026-11-01"])
    state = RunState(as_of=str(options.as_of))
    assert dbt_session.dbt_environment(state) == {
        "LEAD_SCORING_RUN_AS_OF": "2026-11-01 00:00:00",
        "LEAD_SCORING_RUN_INCREMENTAL_SINCE": "",
    }
    since = "2026-10-29 00:00:00.000000"
    state = RunState(as_of=str(options.as_of), incremental_since=since)
    assert dbt_session.dbt_environment(state)["LEAD_SCORING_RUN_INCREMENTAL_SINCE"] == since
    arguments = dbt_session.build_arguments(options, state, PROJECT_DIR)
    assert "--vars" not in arguments + dbt_session.freshness_arguments(options, PROJECT_DIR)


def test_unit_tests_are_left_out_only_when_they_passed_on_this_code() -> None:
    options = build_options(["--as-of", "2026-11-01"])
    # a warehouse whose build did not record passing them: they run
    assert not incremental.leaves_out_unit_tests(options, unit_tests_passed=False)
    assert incremental.leaves_out_unit_tests(options, unit_tests_passed=True)
    left_out = RunState(as_of="2026-11-01", leaves_out_unit_tests=True)
    arguments = dbt_session.build_arguments(options, left_out, PROJECT_DIR)
    assert arguments[arguments.index("--exclude-resource-type") + 1] == "unit_test"
    assert "unit_test" not in dbt_session.build_arguments(
        options, RunState(as_of="2026-11-01"), PROJECT_DIR
    )
    # dbt source freshness has no such option
    assert "--exclude-resource-type" not in dbt_session.freshness_arguments(options, PROJECT_DIR)
    forced = build_options(["--as-of", "2026-11-01", "--unit-tests"])
    assert not incremental.leaves_out_unit_tests(forced, unit_tests_passed=True)


def test_the_unit_test_fingerprint_follows_the_code_not_the_rule_seeds(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = incremental.unit_test_fingerprint(project_copy, False)
    rules = incremental.project_fingerprint(project_copy, False)
    assert incremental.unit_test_fingerprint(project_copy, True) != code
    seed = project_copy / "seeds" / "engagement_rules.csv"
    seed.write_text(seed.read_text().replace(",2020-01-01,", ",2020-01-02,", 1))
    assert incremental.project_fingerprint(project_copy, False) != rules
    assert incremental.unit_test_fingerprint(project_copy, False) == code
    macro = project_copy / "macros" / "scoring" / "scoring.sql"
    macro.write_text(macro.read_text() + "\n")
    assert incremental.unit_test_fingerprint(project_copy, False) != code
    # the engine's version is part of it: a new dbt or DuckDB runs them again
    real_version = importlib.metadata.version
    monkeypatch.setattr(
        incremental.importlib.metadata,
        "version",
        lambda name: "9.9.9" if name == "duckdb" else real_version(name),
    )
    assert incremental.unit_test_fingerprint(project_copy, False) != code
    monkeypatch.setattr(incremental.importlib.metadata, "version", real_version)


def test_the_published_unit_test_fingerprint_is_read_from_build_info(tmp_path: Path) -> None:
    database = tmp_path / "lead_scoring.duckdb"

    def published(publishes: bool) -> str | None:
        info = incremental.read_published_info(database, publishes)
        return incremental.published_unit_test_fingerprint(info)

    assert published(True) is None
    publishing.write_build_info(database, {"run_id": "r1", "unit_tests_fingerprint": "abc"})
    assert published(True) == "abc"
    # a server target publishes nothing: its unit tests always run
    assert published(False) is None


def test_bad_as_of_exits_2_before_dbt_runs(
    run_orchestrator: RunOrchestrator, tmp_path: Path
) -> None:
    code, output = run_orchestrator(
        Path(__file__).resolve().parents[1],
        "--as-of",
        "2026-02-30",
        raw_dir=tmp_path,
        duckdb_path=tmp_path / "warehouse" / "lead_scoring.duckdb",
        cwd=tmp_path,
    )
    assert code == 2, output
    assert "argument --as-of: '2026-02-30' is not a UTC timestamp" in output
    assert "Running with dbt" not in output
    assert not (tmp_path / "warehouse").exists()


# ---------------------------------------------------------------------------------------------
# A whole run on generated data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One finished orchestrator run."""

    code: int
    output: str
    warehouse: Path


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
    copy_project: Callable[[Path], Path],
    run_orchestrator: RunOrchestrator,
    raw_data: RawData,
) -> Run:
    """The project built on the generated data as of AS_OF, run from an unrelated folder."""
    root = tmp_path_factory.mktemp("built")
    project = copy_project(root / "project")
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    warehouse = root / "warehouse" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        project,
        "--as-of",
        AS_OF,
        raw_dir=raw_data.folder,
        duckdb_path=warehouse,
        cwd=elsewhere,
    )
    return Run(code=code, output=output, warehouse=warehouse)


@pytest.fixture
def warehouse(built: Run) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the built warehouse (the run has finished)."""
    assert built.code == 0, built.output
    with duckdb.connect(str(built.warehouse), read_only=True) as connection:
        yield connection


@pytest.mark.slow
def test_build_exits_0_and_prints_the_summary(built: Run) -> None:
    assert built.code == 0, built.output
    summary = built.output[built.output.index("run summary") :]
    assert "as of:      2026-11-01 00:00:00 UTC" in summary
    assert "seeds:      6 built, 0 errored, 0 skipped" in summary
    assert "0 errored, 0 skipped" in summary.split("models:")[1].splitlines()[0]
    assert " 0 failed" in summary.split("tests:")[1].splitlines()[0]
    assert "  target:     duckdb" in summary
    # the raw data is dirty on purpose; warnings do not fail, and they are its dirt
    assert "Warned (" in summary and "): all about the dirty raw rows below" in summary
    assert "Dirty raw rows, as marts.rpt_data_quality counts them:" in summary
    assert "The raw data is generated demo data, dirty on purpose" in summary
    assert "freshness:  not checked (--as-of backfill" in summary
    assert f"Published: run {summary.split('run:        ')[1].split()[0]}" in summary
    assert "duplicate_key" in summary and "after_as_of" in summary
    assert summary.rstrip().endswith("exit 0.")
    assert "Traceback" not in built.output
    # plain text for a person: no bracket in a bracket, no terminal codes in a pipe
    assert not nested_brackets(built.output), nested_brackets(built.output)
    assert TERMINAL_ESCAPE not in built.output


@pytest.mark.slow
def test_the_summary_says_each_kind_of_dirt_once_with_the_table_s_count(
    built: Run, warehouse: duckdb.DuckDBPyConnection
) -> None:
    """One line per row of rpt_data_quality, in its words and with its count; no warning
    repeats one of them as a dbt test with dbt's count."""
    summary = built.output[built.output.index("run summary") :]
    assert "configured to warn" not in summary
    dirt = warehouse.execute(
        "select action, issue, row_count, source_table, description from marts.rpt_data_quality"
    ).fetchall()
    assert dirt
    for action, issue, row_count, table, words in dirt:
        lines = [
            line
            for line in summary.splitlines()
            if line.split()[:2] == [action, issue] and table in line.split() and words in line
        ]
        assert len(lines) == 1, (action, issue, table, summary)
        assert str(row_count) in lines[0].split()


@pytest.mark.slow
def test_history_of_the_build_tells_data_tests_and_unit_tests_apart(
    built: Run, run_orchestrator: RunOrchestrator
) -> None:
    assert built.code == 0, built.output
    code, output = run_orchestrator(
        PROJECT_DIR, "history", raw_dir=None, duckdb_path=built.warehouse
    )
    assert code == 0, output
    table = output.splitlines()[output.splitlines().index("") + 1 :]
    header, run = table[0], table[2]
    unit_tests = header.index("unit tests pass/fail")
    data_tests = header.index("data tests pass/warn/fail")
    assert re.fullmatch(r"\d+/0", run[unit_tests:].split()[0]), run
    assert re.fullmatch(r"\d+/\d+/0", run[data_tests:].split()[0]), run
    assert not nested_brackets(output) and TERMINAL_ESCAPE not in output


@pytest.mark.slow
@pytest.mark.parametrize("table", RAW_TABLES)
def test_staging_keeps_every_raw_row(
    warehouse: duckdb.DuckDBPyConnection, raw_data: RawData, table: str
) -> None:
    raw_rows = scalar(warehouse, f"select count(*) from {raw_file(raw_data, table)}")
    assert raw_rows == raw_data.rows[table]
    assert scalar(warehouse, f"select count(*) from staging.stg_raw__{table}") == raw_rows
    assert scalar(warehouse, f"select count(*) from {VERDICT_MODELS[table]}") == raw_rows


@pytest.mark.slow
@pytest.mark.parametrize("table", RAW_TABLES)
def test_clean_rows_are_the_raw_rows_minus_the_dirt_counted(
    warehouse: duckdb.DuckDBPyConnection, raw_data: RawData, table: str
) -> None:
    raw_rows = raw_data.rows[table]
    clean = scalar(
        warehouse, f"select count(*) from {VERDICT_MODELS[table]} where dq_issue is null"
    )
    dirt = scalar(
        warehouse,
        "select coalesce(sum(row_count), 0) from marts.rpt_data_quality"
        f" where source_table = '{table}' and action in ('dropped', 'ignored')",
    )
    assert clean == raw_rows - dirt
    assert clean > 0


@pytest.mark.slow
@pytest.mark.parametrize(("table", "key"), [("leads", "lead_id"), ("events", "event_id")])
def test_duplicate_keys_are_counted_exactly(
    warehouse: duckdb.DuckDBPyConnection, raw_data: RawData, table: str, key: str
) -> None:
    raw = raw_file(raw_data, table)
    extra_copies = scalar(
        warehouse,
        f"select count({key}) - count(distinct trim({key})) from {raw}"
        f" where nullif(trim({key}), '') is not null",
    )
    flagged = scalar(
        warehouse, f"select count(*) from staging.stg_raw__{table} where dq_issue = 'duplicate_key'"
    )
    assert flagged == extra_copies > 0


@pytest.mark.slow
@pytest.mark.parametrize(("model", "issue"), EXPECTED_DIRT)
def test_each_kind_of_generated_dirt_is_flagged(
    warehouse: duckdb.DuckDBPyConnection, model: str, issue: str
) -> None:
    assert scalar(warehouse, f"select count(*) from {model} where dq_issue = '{issue}'") > 0


@pytest.mark.slow
def test_dim_leads_has_one_row_per_clean_lead(
    warehouse: duckdb.DuckDBPyConnection, raw_data: RawData
) -> None:
    dim_leads = {
        row[0] for row in warehouse.execute("select lead_id from marts.dim_leads").fetchall()
    }
    assert scalar(warehouse, "select count(*) from marts.dim_leads") == len(dim_leads)
    clean = warehouse.execute(
        "select lead_id from staging.stg_raw__leads where dq_issue is null"
    ).fetchall()
    assert dim_leads == {row[0] for row in clean}
    distinct_raw_ids = scalar(
        warehouse,
        f"select count(distinct trim(lead_id)) from {raw_file(raw_data, 'leads')}"
        " where nullif(trim(lead_id), '') is not null",
    )
    dropped_for_other_reasons = scalar(
        warehouse,
        "select count(*) from staging.stg_raw__leads where dq_issue <> 'duplicate_key'",
    )
    assert len(dim_leads) == distinct_raw_ids - dropped_for_other_reasons


README_SQL_EXAMPLES = sql_examples((PROJECT_DIR / "README.md").read_text())


@pytest.mark.slow
@pytest.mark.parametrize(
    "example", README_SQL_EXAMPLES, ids=[example.label for example in README_SQL_EXAMPLES]
)
def test_every_readme_sql_example_returns_rows(
    warehouse: duckdb.DuckDBPyConnection, example: SqlExample
) -> None:
    rows = warehouse.execute(example.sql).fetchall()
    assert rows, f"the README's example '{example.label}' returns no rows on the demo warehouse"


# ---------------------------------------------------------------------------------------------
# Failures: exit 1 when something failed, 2 when dbt could not run
# ---------------------------------------------------------------------------------------------


def read_seed(project: Path, seed: str) -> list[dict[str, str]]:
    """The rows of seeds/<seed>.csv."""
    with (project / "seeds" / f"{seed}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def write_seed(project: Path, seed: str, rows: list[dict[str, str]]) -> None:
    """Replace seeds/<seed>.csv with `rows` (same columns)."""
    with (project / "seeds" / f"{seed}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def duplicate_first_version(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rule table with its first row repeated: (rule_id, valid_from) is no longer unique."""
    return [*rows, dict(rows[0])]


def misspell_first_operator(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rule table with an unknown operator in its first row."""
    return [{**rows[0], "operator": "equalz"}, *rows[1:]]


def restate_first_version_unpadded(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The first row again, its valid_from written without leading zeros (the same date)."""
    year, month, day = rows[0]["valid_from"].split("-")
    return [*rows, {**rows[0], "valid_from": f"{year}-{int(month)}-{int(day)}"}]


def recase_first_rule_id(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The first row again under its rule_id in capitals: a second rule, scoring twice."""
    return [*rows, {**rows[0], "rule_id": rows[0]["rule_id"].upper()}]


def list_with_commas(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The first rule made a country list separated by commas instead of |."""
    first = {**rows[0], "attribute": "country", "operator": "in", "value": "US, CA, GB"}
    return [first, *rows[1:]]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "edit", "problem"),
    [
        ("engagement_rules", duplicate_first_version, "duplicate (rule_id, valid_from)"),
        ("fit_rules", misspell_first_operator, "operator 'equalz' is unknown"),
        ("engagement_rules", restate_first_version_unpadded, "are the same date"),
        ("fit_rules", recase_first_rule_id, "differ only in case"),
    ],
)
def test_bad_seed_edit_exits_1_and_names_the_seed_and_rule(
    run_orchestrator: RunOrchestrator,
    project_copy: Path,
    tmp_path: Path,
    raw_data: RawData,
    seed: str,
    edit: Callable[[list[dict[str, str]]], list[dict[str, str]]],
    problem: str,
) -> None:
    rows = read_seed(project_copy, seed)
    write_seed(project_copy, seed, edit(rows))
    code, output = build_as_of(run_orchestrator, project_copy, raw_data, tmp_path)
    assert code == 1, output
    summary = output[output.index("run summary") :]
    failing_row = next(line for line in summary.splitlines() if f"seeds/{seed}.csv" in line)
    assert rows[0]["rule_id"] in failing_row
    assert rows[0]["valid_from"] in failing_row
    assert problem in failing_row
    assert "Result: FAILED, exit 1: " in summary


@pytest.mark.slow
@pytest.mark.parametrize("seed", ["fit_rules", "engagement_rules"])
def test_a_rule_table_with_only_its_header_exits_1_and_names_the_file(
    run_orchestrator: RunOrchestrator,
    project_copy: Path,
    tmp_path: Path,
    raw_data: RawData,
    seed: str,
) -> None:
    path = project_copy / "seeds" / f"{seed}.csv"
    path.write_text(path.read_text().splitlines(keepends=True)[0])
    code, output = build_as_of(run_orchestrator, project_copy, raw_data, tmp_path)
    assert code == 1, output[-3000:]
    summary = output[output.index("run summary") :]
    failing_row = next(line for line in summary.splitlines() if f"seeds/{seed}.csv" in line)
    assert "the table has no rules, only its header row" in failing_row
    assert "Published:" not in summary and "Result: FAILED" in summary
    assert not (tmp_path / "warehouse.duckdb").exists()


def rename_valid_from(text: str) -> str:
    header, rest = text.split("\n", 1)
    return header.replace("valid_from", "start_date") + "\n" + rest


def semicolons(text: str) -> str:
    return text.replace(",", ";")


@pytest.mark.parametrize(
    ("edit", "problems"),
    [
        (rename_valid_from, ["lacks column(s) valid_from", "start_date"]),
        (semicolons, ["lacks column(s) rule_id, attribute", "looks separated by ';'"]),
    ],
)
def test_a_seed_with_a_wrong_header_exits_1_and_names_the_file_and_columns(
    run_orchestrator: RunOrchestrator,
    project_copy: Path,
    tmp_path: Path,
    raw_data: RawData,
    edit: Callable[[str], str],
    problems: list[str],
) -> None:
    seed = project_copy / "seeds" / "fit_rules.csv"
    seed.write_text(edit(seed.read_text()))
    code, output = build_as_of(run_orchestrator, project_copy, raw_data, tmp_path)
    assert code == 1, output
    line = next(line for line in output.splitlines() if line.startswith("seeds/fit_rules.csv"))
    for problem in problems:
        assert problem in line
    assert "Running with dbt" not in output and "Traceback" not in output
    assert "Result: FAILED, exit 1: a rule table's header row is wrong. Nothing was" in output


@pytest.mark.slow
def test_a_list_separated_by_commas_warns_with_the_rule_and_what_to_do(
    run_orchestrator: RunOrchestrator, project_copy: Path, tmp_path: Path, raw_data: RawData
) -> None:
    rows = read_seed(project_copy, "fit_rules")
    write_seed(project_copy, "fit_rules", list_with_commas(rows))
    code, output = build_as_of(run_orchestrator, project_copy, raw_data, tmp_path)
    assert code == 0, output[-3000:]  # one value may hold a comma: a warning, not an error
    warned = output[output.index("Warned (") :]
    assert "  - In and not_in lists of seeds/fit_rules.csv whose items look separated" in warned
    assert "test fit_rule_lists_look_comma_separated" in warned
    line = next(line for line in warned.splitlines() if rows[0]["rule_id"] in line)
    assert "seeds/fit_rules.csv" in line
    assert "the in list 'US, CA, GB' has commas and no |: it is one item." in line


@pytest.mark.slow
def test_jinja_syntax_error_exits_2(
    run_orchestrator: RunOrchestrator, project_copy: Path, tmp_path: Path, raw_data: RawData
) -> None:
    (project_copy / "models" / "broken_template.sql").write_text("{% if true %}\nselect 1 as x\n")
    code, output = run_orchestrator(
        project_copy, raw_dir=raw_data.folder, duckdb_path=tmp_path / "warehouse.duckdb"
    )
    assert code == 2, output
    assert "dbt could not run" in output and "broken_template" in output
    assert "Traceback" not in output


def published_copy(built: Run, tmp_path: Path) -> Path:
    """A copy of the built warehouse, published in its own folder (--select builds need one)."""
    assert built.code == 0, built.output
    copy = tmp_path / "published" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(built.warehouse, copy)
    return copy


@pytest.mark.slow
def test_model_failing_at_run_time_exits_1(
    run_orchestrator: RunOrchestrator,
    project_copy: Path,
    tmp_path: Path,
    raw_data: RawData,
    built: Run,
) -> None:
    (project_copy / "models" / "broken_sql.sql").write_text("select 1 as x fromm nowhere\n")
    code, output = run_orchestrator(
        project_copy,
        "--select",
        "broken_sql",
        raw_dir=raw_data.folder,
        duckdb_path=published_copy(built, tmp_path),
    )
    assert code == 1, output
    failed = output[output.index("Failed (1):") :]
    assert "model broken_sql (models/broken_sql.sql)" in failed
    assert "syntax error" in failed


@pytest.mark.slow
def test_time_zones_in_raw_timestamps_give_the_same_utc_instants(
    run_orchestrator: RunOrchestrator,
    project_copy: Path,
    tmp_path: Path,
    raw_data: RawData,
    built: Run,
) -> None:
    """The same moments written with a time zone give the marts of plain UTC timestamps, on a
    machine whose own time zone is not UTC: leads.created_at as a timestamp-with-time-zone
    Parquet column (what pandas and pyarrow write for aware data) and events.occurred_at as
    CSV text two hours ahead with a +02:00 offset."""
    assert built.code == 0, built.output
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        for table in RAW_TABLES:
            source = f"read_parquet('{raw_data.folder / f'{table}.parquet'}')"
            if table == "leads":
                aware = "cast(created_at as timestamptz) as created_at"
                select = f"select * replace ({aware}) from {source}"
                target = f"'{raw_dir / 'leads.parquet'}'"
            elif table == "events":
                select = (
                    "select * replace (strftime(occurred_at + interval 2 hour, "
                    f"'%Y-%m-%dT%H:%M:%S.%f') || '+02:00' as occurred_at) from {source}"
                )
                target = f"'{raw_dir / 'events.csv'}' (header true)"
            else:
                select = f"select * from {source}"
                target = f"'{raw_dir / f'{table}.parquet'}'"
            connection.execute(f"copy ({select}) to {target}")
        kinds = connection.execute(
            f"select typeof(created_at) from read_parquet('{raw_dir / 'leads.parquet'}') limit 1"
        ).fetchone()
    assert kinds == ("TIMESTAMP WITH TIME ZONE",)
    warehouse = tmp_path / "warehouse" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        project_copy,
        "--as-of",
        AS_OF,
        raw_dir=raw_dir,
        duckdb_path=warehouse,
        env={"TZ": "America/New_York"},
    )
    assert code == 0, output[-3000:]
    assert_same_marts(warehouse, built.warehouse)


def assert_same_marts(warehouse: Path, expected: Path) -> None:
    """Every mart of `warehouse` holds the rows of `expected`'s, within the spec's tolerance."""
    rows, expected_rows = marts_rows(warehouse), marts_rows(expected)
    assert sorted(rows) == sorted(expected_rows)
    for table, wanted in expected_rows.items():
        assert len(rows[table]) == len(wanted), f"marts.{table} differs"
        for left, right in zip(rows[table], wanted, strict=True):
            same = all(same_within_spec(a, b) for a, b in zip(left, right, strict=True))
            assert same, f"marts.{table} differs: {left} != {right}"


@pytest.mark.slow
def test_raw_tables_in_parts_and_gzip_give_the_same_marts(
    run_orchestrator: RunOrchestrator,
    project_copy: Path,
    tmp_path: Path,
    raw_data: RawData,
    built: Run,
) -> None:
    """The raw tables as export tools write them: events as a folder of Parquet parts (with the
    _SUCCESS marker Spark leaves), leads as gzip-compressed CSV, opportunities as a folder of
    CSV parts; each is read as the one file it stands for."""
    assert built.code == 0, built.output
    raw_dir = tmp_path / "raw"
    for folder in ("events", "opportunities"):
        (raw_dir / folder).mkdir(parents=True)
    (raw_dir / "events" / "_SUCCESS").touch()
    shutil.copy(raw_data.folder / "accounts.parquet", raw_dir)
    shutil.copy(raw_data.folder / "sales_dispositions.parquet", raw_dir)
    with duckdb.connect() as connection:
        for table, folder, extension, options in (
            ("events", "events/", "parquet", "format parquet"),
            ("opportunities", "opportunities/", "csv", "header true"),
        ):
            for part in range(3):
                connection.execute(
                    "copy (select * exclude (part) from (select *, row_number() over () % 3 "
                    f"as part from {raw_file(raw_data, table)}) where part = {part}) "
                    f"to '{raw_dir / f'{folder}part-{part:05d}.{extension}'}' ({options})"
                )
        connection.execute(
            f"copy (select * from {raw_file(raw_data, 'leads')}) "
            f"to '{raw_dir / 'leads.csv.gz'}' (header true, compression gzip)"
        )
    warehouse = tmp_path / "warehouse" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        project_copy, "--as-of", AS_OF, raw_dir=raw_dir, duckdb_path=warehouse
    )
    assert code == 0, output[-3000:]
    assert_same_marts(warehouse, built.warehouse)


@pytest.mark.slow
def test_missing_raw_file_exits_2_and_names_it(
    run_orchestrator: RunOrchestrator, project_copy: Path, tmp_path: Path, raw_data: RawData
) -> None:
    raw_dir = tmp_path / "raw"
    shutil.copytree(raw_data.folder, raw_dir, ignore=shutil.ignore_patterns("events.*"))
    code, output = run_orchestrator(
        project_copy,
        "--raw-dir",
        str(raw_dir),
        "--duckdb-path",
        str(tmp_path / "flag" / "warehouse.duckdb"),
        raw_dir=None,
        duckdb_path=tmp_path / "env" / "ignored.duckdb",
    )
    assert code == 2, output
    assert f"Raw file missing for table 'events': {raw_dir} has none of events.parquet," in output
    assert "events/*.parquet" in output and "events.csv.gz" in output
    # never advice that would write demo files into the user's export folder
    assert "generate_demo_data" not in output and "--out" not in output
    assert "Traceback" not in output
    # The flags won over the environment: the run's record and build are next to the flag's
    # path, and nothing was published (a failed run never touches the published file).
    assert (tmp_path / "flag" / "runs").is_dir() and (tmp_path / "flag" / "builds").is_dir()
    assert not (tmp_path / "flag" / "warehouse.duckdb").exists()
    assert not (tmp_path / "env").exists()


@pytest.mark.slow
def test_unknown_target_exits_2(
    run_orchestrator: RunOrchestrator, project_copy: Path, tmp_path: Path, raw_data: RawData
) -> None:
    code, output = run_orchestrator(
        project_copy,
        "--target",
        "nowhere",
        raw_dir=raw_data.folder,
        duckdb_path=tmp_path / "warehouse.duckdb",
    )
    assert code == 2, output
    assert "does not have a target named 'nowhere'" in output


@pytest.mark.slow
def test_selection_matching_nothing_exits_2(
    run_orchestrator: RunOrchestrator,
    project_copy: Path,
    tmp_path: Path,
    raw_data: RawData,
    built: Run,
) -> None:
    code, output = run_orchestrator(
        project_copy,
        "--select",
        "no_such_model",
        raw_dir=raw_data.folder,
        duckdb_path=published_copy(built, tmp_path),
    )
    assert code == 2, output
    assert "'no_such_model' does not match any enabled nodes" in output


@pytest.mark.parametrize(
    "layout",
    [
        "leads.parquet",
        "leads.csv",
        "leads.csv.gz",
        "leads/part-0.parquet",
        "leads/part-00000.csv",
        "leads/part-00000.csv.gz",
    ],
)
def test_a_leads_table_in_any_layout_is_raw_data(tmp_path: Path, layout: str) -> None:
    """The demo folder is raw data in any layout a table may take: demo files are never written
    beside a real export."""
    (tmp_path / "leads").mkdir()
    (tmp_path / "leads" / "_SUCCESS").touch()  # a marker alone is no table
    assert not inputs.has_raw_leads(tmp_path)
    (tmp_path / layout).write_bytes(b"lead_id\nL1\n")
    assert inputs.has_raw_leads(tmp_path)


@pytest.mark.slow
def test_demo_data_is_generated_when_no_raw_folder_is_configured(
    run_orchestrator: RunOrchestrator, project_copy: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        project_copy, "--demo-leads", "150", raw_dir=None, duckdb_path=warehouse
    )
    assert code == 0, output
    assert "generating demo data (150 leads" in output
    assert (project_copy / "data" / "demo" / "leads.parquet").is_file()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert scalar(connection, "select count(*) from marts.dim_leads") > 100
