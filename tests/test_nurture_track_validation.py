"""seeds/nurture_tracks.csv is checked like the other rule tables: its header before dbt starts,
its rows by data-tests/seed_validation/ (each problem naming the file, the track and what to
fix), and the run stops (exit 1) on a broken table, with nothing published."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import RawData, RunOrchestrator, build_as_of

from lead_scoring import inputs

SEED = "seeds/nurture_tracks.csv"
HEADER = ["track", "fit_grades", "engagement_bands", "sort_order", "description"]


def write_tracks(project: Path, rows: list[list[str]], header: list[str] = HEADER) -> None:
    with (project / SEED).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def summary_lines(output: str) -> list[str]:
    return output[output.index("run summary") :].splitlines()


def test_a_nurture_track_header_without_a_column_is_named_before_dbt_starts(
    project_copy: Path,
) -> None:
    write_tracks(project_copy, [["all", "", "", "1", "Everyone"]], header=HEADER[:2] + HEADER[3:])
    [problem] = inputs.seed_header_problems(project_copy)
    assert problem.startswith(f"{SEED}: its header row lacks column(s) engagement_bands;")


@pytest.mark.slow
def test_bad_nurture_tracks_exit_1_naming_the_track_and_the_problem(
    run_orchestrator: RunOrchestrator, project_copy: Path, tmp_path: Path, raw_data: RawData
) -> None:
    write_tracks(
        project_copy,
        [
            ["warm", "A | E", "1 | 7", "10", ""],
            ["Warm", "", "", "20", ""],
            ["cold", "A, B", "", "20", ""],
            ["late", "", "2 |", "soon", ""],
            ["", "B", "", "40", ""],
        ],
    )
    code, output = build_as_of(run_orchestrator, project_copy, raw_data, tmp_path)
    assert code == 1, output[-3000:]
    failing = [line for line in summary_lines(output) if SEED in line]
    expected = [
        ("warm", "fit_grades item 'E' is not a grade of seeds/fit_grades.csv (A, B, C, D)"),
        ("warm", "engagement_bands item '7' is not a band of seeds/engagement_bands.csv (1, 2,"),
        (
            "Warm",
            "track 'Warm' appears more than once (sort_order 10 and 20; 'Warm' and 'warm' differ",
        ),
        ("cold", "tracks 'Warm' and 'cold' share sort_order 20: give each track its own"),
        ("cold", "fit_grades item 'A, B' is not a grade of seeds/fit_grades.csv (A, B, C, D):"),
        ("late", "sort_order 'soon' must be a whole number"),
        ("late", "engagement_bands has an empty item: remove the extra |"),
        ("", "track is empty: give the track a name"),
    ]
    for track, problem in expected:
        assert any(problem in line and track in line for line in failing), (track, problem)
    assert "Published:" not in output and "Result: FAILED" in output
    # the comma list also warns, with what to do
    warned = output[output.index("Warned (") :]
    assert "the fit_grades list 'A, B' has commas and no |: it is one item." in warned


@pytest.mark.slow
def test_a_nurture_track_table_with_only_its_header_exits_1(
    run_orchestrator: RunOrchestrator, project_copy: Path, tmp_path: Path, raw_data: RawData
) -> None:
    write_tracks(project_copy, [])
    code, output = build_as_of(run_orchestrator, project_copy, raw_data, tmp_path)
    assert code == 1, output[-3000:]
    failing = next(line for line in summary_lines(output) if SEED in line)
    assert "the table has no tracks, only its header row: restore its rows" in failing
    assert not (tmp_path / "warehouse.duckdb").exists()
