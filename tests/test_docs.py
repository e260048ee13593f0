"""The project's Markdown pages stay true: every link reaches a file and heading of the repository.

A reader of a clone must be able to follow every link, so a link to a file the repository does
not hold, or to a heading that was renamed, fails here. The README, the page a newcomer starts
from, links to nothing outside the repository at all. (The README's SQL examples are run against
a built warehouse in tests/test_run.py.)
"""

from __future__ import annotations

import re
from itertools import takewhile
from pathlib import Path

import pytest
from conftest import PROJECT_DIR
from markdown_docs import anchors, documentation_files, github_anchor, links, sql_examples

from lead_scoring.cli import COMMANDS, main
from lead_scoring.exit_codes import ExitCode

PAGES = documentation_files(PROJECT_DIR)
README = PROJECT_DIR / "README.md"
# where code comments cite the decision pages
CODE = ("models", "macros", "tests", "src", "scripts", "seeds", "dbt_project.yml", "profiles.yml")
DECISION_CITATION = re.compile(r"docs/decisions/[\w.-]+\.md")


def relative(path: Path) -> str:
    return path.relative_to(PROJECT_DIR).as_posix()


def broken_link(page: Path, target: str, anchor: str | None, path: str) -> str | None:
    """Why a relative link of `page` leads nowhere, or None when it reaches its file and heading."""
    destination = (page.parent / path).resolve() if path else page
    if not destination.is_relative_to(PROJECT_DIR):
        return "leaves the repository"
    if not destination.exists():
        return "no such file in the repository"
    if anchor is None:
        return None
    if destination.suffix != ".md":
        return "an anchor into a file that is not Markdown"
    if anchor not in anchors(destination.read_text()):
        return f"{relative(destination)} has no heading with the anchor #{anchor}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_every_relative_link_reaches_a_file_and_a_heading(page: Path) -> None:
    problems = []
    for link in links(page.read_text()):
        if link.leaves_the_repository_by_url:
            continue
        problem = broken_link(page, link.target, link.anchor, link.path)
        if problem:
            problems.append(f"{relative(page)}:{link.line}: ({link.target}) {problem}")
    assert not problems, "\n".join(problems)


def test_the_readme_links_nowhere_outside_the_repository() -> None:
    outside = [
        f"README.md:{link.line}: ({link.target})"
        for link in links(README.read_text())
        if link.leaves_the_repository_by_url
        or not (README.parent / link.path).resolve().is_relative_to(PROJECT_DIR)
    ]
    assert not outside, "\n".join(outside)


def code_files() -> list[Path]:
    files = []
    for name in CODE:
        path = PROJECT_DIR / name
        found = [path] if path.is_file() else path.rglob("*")
        files += [file for file in found if file.suffix in {".sql", ".py", ".yml", ".csv"}]
    return files


def test_every_decision_a_code_comment_cites_exists() -> None:
    missing = sorted(
        f"{relative(file)}: {citation}"
        for file in code_files()
        for citation in DECISION_CITATION.findall(file.read_text())
        if not (PROJECT_DIR / citation).is_file()
    )
    assert not missing, "\n".join(missing)


def test_the_readme_has_sql_examples_to_run() -> None:
    assert len(sql_examples(README.read_text())) > 1


def test_the_readme_points_to_the_contract_and_the_changelog() -> None:
    targets = {link.path for link in links(README.read_text())}
    assert {"docs/contract.md", "CHANGELOG.md"} <= targets


# ---------------------------------------------------------------------------------------------
# The Markdown reading itself
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("1. Cleaning raw rows (staging)", "1-cleaning-raw-rows-staging"),
        ("`seeds/fit_rules.csv`: demographic points", "seedsfit_rulescsv-demographic-points"),
        ("What one run does", "what-one-run-does"),
        ("Backfills and re-runs: `--as-of`", "backfills-and-re-runs---as-of"),
        ("See [the page](other.md) — now", "see-the-page--now"),
    ],
)
def test_anchors_follow_githubs_rules(heading: str, anchor: str) -> None:
    assert github_anchor(heading) == anchor


def test_repeated_headings_are_numbered_and_code_is_not_a_heading() -> None:
    text = "# Runs\n\n```sh\n# not a heading\n```\n\n## Runs\n\n### Runs\n"
    assert anchors(text) == {"runs", "runs-1", "runs-2"}


def test_links_in_code_are_not_links() -> None:
    text = '`[a](in-code.md)`\n\n```md\n[b](in-fence.md)\n```\n\n[c](real.md#part "title")\n'
    found = links(text)
    assert [(link.line, link.path, link.anchor) for link in found] == [(7, "real.md", "part")]


def test_sql_examples_are_split_at_each_statement_and_named_by_their_comment() -> None:
    text = "```sql\n-- first\nselect 1;\n\n-- second\nselect 2\nfrom t;\n```\n"
    examples = sql_examples(text)
    assert [example.label for example in examples] == ["first", "second"]
    assert examples[1].sql == "-- second\nselect 2\nfrom t;"


EXIT_CODE_PAGES = ("README.md", "docs/operations.md", "docs/contract.md")
EXIT_CODE_ROW = re.compile(r"^\| (\d+) \| (.+) \|$")


@pytest.mark.parametrize("page", EXIT_CODE_PAGES)
def test_the_exit_code_tables_list_exactly_the_exit_codes_of_the_command(page: str) -> None:
    """Each page's exit-code table has every ExitCode, with its meaning, and no other code."""
    text = (PROJECT_DIR / page).read_text()
    header = "| exit code | meaning |"
    assert text.count(header) == 1, f"{page}: one table headed {header!r}"
    rows = text.split(header, 1)[1].splitlines()[2:]
    table = dict((int(match[1]), match[2]) for row in rows if (match := EXIT_CODE_ROW.match(row)))
    rows_read = len(list(takewhile(lambda row: row.startswith("|"), rows)))
    assert rows_read == len(table), f"{page}: a row of the table is not '| code | meaning |'"
    assert table == {code.value: code.meaning for code in ExitCode}


def test_help_lists_the_exit_codes_and_the_commands(capsys: pytest.CaptureFixture) -> None:
    for command in ([], ["history"], ["rollback"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        for code in ExitCode:
            assert f"{code.value} {code.meaning}" in text
        assert all(f"lead-scoring {name}" in text for name in COMMANDS)
