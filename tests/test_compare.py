"""`lead-scoring compare --rules DIR`: a proposal is checked like seeds/, built aside over the
published build's raw data and as_of, never published, and compared with the rules in use."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import RawData, RunOrchestrator

from lead_scoring.proposal import InvalidProposal, read_proposal
from lead_scoring.rule_set_comparison import change_line, change_text, priority_text

AS_OF = "2026-10-15"
PROJECT_DIR = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------------
# the proposal folder and the printed comparison (no dbt needed)
# ---------------------------------------------------------------------------------------------


def test_a_proposal_folder_holds_only_rule_tables(tmp_path: Path) -> None:
    with pytest.raises(InvalidProposal, match="no such folder"):
        read_proposal(tmp_path / "missing", PROJECT_DIR)
    with pytest.raises(InvalidProposal, match="holds no rule table"):
        read_proposal(tmp_path, PROJECT_DIR)
    (tmp_path / "fit_rules.csv").write_text("rule_id\n")
    (tmp_path / "notes.txt").write_text("why\n")
    with pytest.raises(InvalidProposal, match=r"notes\.txt is no rule table.*fit_rules\.csv"):
        read_proposal(tmp_path, PROJECT_DIR)
    (tmp_path / "notes.txt").unlink()
    assert read_proposal(tmp_path, PROJECT_DIR).tables == ("fit_rules.csv",)


def test_the_proposal_build_names_the_proposal_files(tmp_path: Path) -> None:
    (tmp_path / "fit_rules.csv").write_text("rule_id\n")
    proposal = read_proposal(tmp_path, PROJECT_DIR)
    copy = Path("/scratch/project")
    line = (
        "  seeds/fit_rules.csv  title_vp  ... seeds/engagement_rules.csv "
        "/scratch/project/seeds/fit_rules.csv"
    )
    shown = proposal.show_as_proposed(line, copy)
    assert shown == (
        f"  {tmp_path}/fit_rules.csv  title_vp  ... seeds/engagement_rules.csv "
        f"{tmp_path}/fit_rules.csv"
    )


def test_changes_are_signed_and_shares_in_points() -> None:
    assert change_text(94, 130, is_share=False) == "+36"
    assert change_text(0.5, 0.25, is_share=True) == "-25.0 pts"
    assert change_text(3, 3, is_share=False) == ""
    assert change_text(None, 3, is_share=False) == ""


def test_gained_leads_are_split_by_what_moved_them() -> None:
    reasons = [{"rule_id": "title_manager", "points": 7.0, "leads": 1}]
    assert change_line("gained", 2, 1, reasons) == (
        "Gained 2 leads meeting the MQL criteria: 1 through points, mostly title_manager "
        "(+7 points on 1 lead); 1 through the MQL criteria alone (their points did not move)."
    )
    assert change_line("lost", 0, 0, []) == "Lost 0 leads meeting the MQL criteria."
    assert change_line("lost", 1, 0, []) == (
        "Lost 1 lead meeting the MQL criteria: 1 through the MQL criteria alone "
        "(their points did not move)."
    )


def test_priority_moves_leave_out_the_unmoved() -> None:
    moves = [
        {"priority_in_use": "A1", "priority_proposed": "A1", "leads": 10},
        {"priority_in_use": "B2", "priority_proposed": "A2", "leads": 3},
    ]
    assert priority_text(moves) == "Priority: 3 of 13 leads move; most often B2 -> A2 (3)."
    assert priority_text(moves[:1]) == "Priority: none of 10 leads moves."


# ---------------------------------------------------------------------------------------------
# whole comparisons against a published build
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    project: Path
    warehouse: Path
    raw: Path


@pytest.fixture(scope="module")
def published(
    tmp_path_factory: pytest.TempPathFactory,
    copy_project: Callable[[Path], Path],
    run_orchestrator: RunOrchestrator,
    raw_data: RawData,
) -> Published:
    """The project built and published on the generated data as of AS_OF."""
    root = tmp_path_factory.mktemp("compare")
    project = copy_project(root / "project")
    warehouse = root / "warehouse" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        project, "--as-of", AS_OF, raw_dir=raw_data.folder, duckdb_path=warehouse
    )
    assert code == 0, output
    return Published(project=project, warehouse=warehouse, raw=raw_data.folder)


def compare(published: Published, run: RunOrchestrator, rules: Path) -> tuple[int, str]:
    """`lead-scoring compare --rules rules`, with no raw folder configured: the published
    build's is used."""
    return run(
        published.project,
        "compare",
        "--rules",
        str(rules),
        duckdb_path=published.warehouse,
        raw_dir=None,
    )


def comparison_file(output: str) -> Path:
    """The proposal's build named on the comparison's last line."""
    line = next(line for line in output.splitlines() if line.startswith("The comparison's tables"))
    return Path(line.split(" are in ")[1].split("; ")[0])


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def fingerprint(path: Path) -> tuple[int, int, int]:
    status = os.stat(path)
    return status.st_ino, status.st_size, status.st_mtime_ns


def test_a_proposal_equal_to_the_rules_in_use_changes_nothing(
    published: Published, run_orchestrator: RunOrchestrator, tmp_path: Path
) -> None:
    shutil.copy(published.project / "seeds" / "fit_rules.csv", tmp_path / "fit_rules.csv")
    before = fingerprint(published.warehouse)
    code, output = compare(published, run_orchestrator, tmp_path)
    assert code == 0, output
    assert "Gained 0 leads" in output and "Lost 0 leads" in output
    assert "Priority: none of" in output
    database = comparison_file(output)
    assert query(database, "select count(*) from comparison.lead_changes") == [(0,)]
    in_use, proposed = query(
        database, "select * exclude (rule_set) from comparison.rule_set_summary order by rule_set"
    )
    assert in_use == proposed
    assert fingerprint(published.warehouse) == before


def test_a_proposal_is_compared_lead_by_lead(
    published: Published, run_orchestrator: RunOrchestrator, tmp_path: Path
) -> None:
    # a lower bar from a day before as_of: leads gained, none lost
    with (published.project / "seeds" / "mql_thresholds.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    with (tmp_path / "mql_thresholds.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        writer.writerow({**rows[-1], "valid_from": "2026-10-14", "min_total_score": "20"})
    before = fingerprint(published.warehouse)
    code, output = compare(published, run_orchestrator, tmp_path)
    assert code == 0, output
    database = comparison_file(output)
    assert published.warehouse.parent / "comparisons" in database.parents
    # the published build is only read, and the proposal is not published
    assert fingerprint(published.warehouse) == before
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute(f"attach '{published.warehouse}' as in_use (read_only)")
        meeting = connection.execute(
            "select "
            "(select count(*) from in_use.marts.dim_leads where meets_mql_criteria), "
            "(select count(*) from marts.dim_leads where meets_mql_criteria)"
        ).fetchone()
        changes = dict(
            connection.execute(
                "select change, count(*) from comparison.lead_changes group by change"
            ).fetchall()
        )
        summary = connection.execute(
            "select leads_meeting_mql_criteria from comparison.rule_set_summary order by rule_set"
        ).fetchall()
    assert meeting[1] > meeting[0]
    assert changes == {"gained": meeting[1] - meeting[0]}
    assert summary == [(meeting[0],), (meeting[1],)]
    assert f"Gained {meeting[1] - meeting[0]:,} leads" in output


def test_an_invalid_proposal_exits_1_naming_its_file_and_row(
    published: Published, run_orchestrator: RunOrchestrator, tmp_path: Path
) -> None:
    text = (published.project / "seeds" / "fit_rules.csv").read_text()
    (tmp_path / "fit_rules.csv").write_text(text.replace(",contains,chief,", ",containz,chief,"))
    code, output = compare(published, run_orchestrator, tmp_path)
    assert code == 1, output
    assert f"{tmp_path}/fit_rules.csv  title_chief" in output
    assert "operator 'containz' is unknown" in output
    assert "The proposal was not compared" in output


def test_compare_without_a_published_warehouse_exits_2(
    run_orchestrator: RunOrchestrator, project_copy: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(project_copy / "seeds" / "fit_rules.csv", rules / "fit_rules.csv")
    code, output = run_orchestrator(
        project_copy,
        "compare",
        "--rules",
        str(rules),
        duckdb_path=tmp_path / "none" / "lead_scoring.duckdb",
        raw_dir=None,
    )
    assert code == 2, output
    assert "Nothing to compare with" in output
