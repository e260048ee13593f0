"""`make lint` lints every SQL file of the project (README "Tests").

sqlfluff's dbt templater lints dbt nodes (models, singular tests) and skips a file that only
defines macros or generic tests ("because it is a macro"), still reporting it as passed: those
files must go through its Jinja templater. .sqlfluffignore may leave out single files, each with
its reason, never a folder or a pattern.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path, PurePath
from typing import Any

import pytest
from sqlfluff.cli.commands import lint as sqlfluff_lint
from sqlfluff.core import FluffConfig

PROJECT_DIR = Path(__file__).resolve().parents[1]
SQL_FOLDERS = ("models", "macros", "data-tests")
# dbt reads every SQL file here as macro definitions (its macro-paths, and generic tests)
MACRO_FOLDERS = ("macros", "data-tests/generic")
# make prints the lint recipe without installing first (the install stamp counts as up to date)
INSTALL_STAMP = ".venv/.installed"
# sqlfluff's codes for a file it could not template or parse
UNREADABLE_CODES = {"TMP", "PRS"}


def make_lint_sqlfluff_commands() -> list[str]:
    """The sqlfluff command lines `make lint` runs, as make prints them without running them."""
    printed = subprocess.run(
        ["make", "--dry-run", f"--old-file={INSTALL_STAMP}", "lint"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in printed.splitlines() if "sqlfluff lint" in line]


def lint_arguments(command: str) -> dict[str, Any]:
    """sqlfluff's own reading of a command line's arguments (paths, templater, ...)."""
    words = shlex.split(command)
    return sqlfluff_lint.make_context("lint", words[words.index("lint") + 1 :]).params


def covers(arguments: dict[str, Any], path: str) -> bool:
    return any(PurePath(path).is_relative_to(given) for given in arguments["paths"])


def templater_of(arguments: dict[str, Any]) -> str:
    """The templater a sqlfluff run uses: --templater, else the file --config names, else the
    project's .sqlfluff (a folder's own .sqlfluff cannot change it)."""
    overrides = {"templater": arguments["templater"]} if arguments["templater"] else {}
    config = FluffConfig.from_root(
        extra_config_path=arguments["extra_config_path"], overrides=overrides
    )
    return config.get("templater")


def ignored_entries() -> set[str]:
    ignore_file = PROJECT_DIR / ".sqlfluffignore"
    lines = ignore_file.read_text().splitlines() if ignore_file.exists() else []
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def is_macro_file(path: str) -> bool:
    return any(PurePath(path).is_relative_to(folder) for folder in MACRO_FOLDERS)


def linted_sql_files() -> list[str]:
    """Every SQL file of the project that .sqlfluffignore does not name."""
    found = (
        path.relative_to(PROJECT_DIR).as_posix()
        for folder in SQL_FOLDERS
        for path in (PROJECT_DIR / folder).rglob("*.sql")
    )
    return sorted(set(found) - ignored_entries())


def test_sqlfluffignore_names_single_sql_files() -> None:
    for entry in ignored_entries():
        assert entry.endswith(".sql") and (PROJECT_DIR / entry).is_file(), (
            f".sqlfluffignore: '{entry}' is not one SQL file of the project; name files one by "
            "one, each with its reason, so that make lint still lints the rest of the folder"
        )


def test_make_lint_gives_every_sql_file_the_templater_that_lints_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(PROJECT_DIR)  # make runs sqlfluff there: its root config
    runs = [lint_arguments(command) for command in make_lint_sqlfluff_commands()]
    problems = []
    for path in linted_sql_files():
        templaters = [templater_of(run) for run in runs if covers(run, path)]
        needed = "jinja" if is_macro_file(path) else "dbt"
        if templaters != [needed]:
            given = ", ".join(templaters) or "no"
            problems.append(f"{path}: linted with {given} templater, needs {needed}")
    assert not problems, "make lint (Makefile):\n" + "\n".join(problems)


def test_sqlfluff_lints_every_macro_and_generic_test() -> None:
    """make lint's sqlfluff runs template and parse every file of macro definitions."""
    macro_files = [path for path in linted_sql_files() if is_macro_file(path)]
    results: dict[str, dict[str, Any]] = {}
    for command in make_lint_sqlfluff_commands():
        if any(covers(lint_arguments(command), path) for path in macro_files):
            run = subprocess.run(
                f"{command} --format json --nofail",
                shell=True,
                cwd=PROJECT_DIR,
                capture_output=True,
                text=True,
            )
            results.update({result["filepath"]: result for result in json.loads(run.stdout)})
    for path in macro_files:
        result = results.get(path)
        assert result is not None, f"{path}: make lint does not lint it"
        # a skipped file is reported as passed, with nothing read from it
        assert result["statistics"]["source_chars"] > 0, f"{path}: sqlfluff skipped it"
        unreadable = [v for v in result["violations"] if v["code"] in UNREADABLE_CODES]
        assert not unreadable, f"{path}: sqlfluff cannot read it: {unreadable}"
