"""A proposed rule set for `lead-scoring compare`: a folder holding any of the rule tables, checked
for what it may hold, and a scratch copy of the dbt project with those tables in place of seeds/.

The copy is built by the same `lead-scoring run` as the warehouse, so a proposal goes through the
same seed checks with the same messages; only the file names in them are turned back from the
copy's seeds/ into the proposal's folder.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

SEEDS_DIR = "seeds"
# what dbt needs of the project to build it (target/, logs/ and data/ are the copy's own)
PROJECT_ENTRIES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "data-tests")
NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc")


class InvalidProposal(Exception):
    """The folder cannot be a proposal: missing, empty, or holding files that are no rule table."""


@dataclass(frozen=True)
class Proposal:
    """A checked proposal folder and the rule tables it replaces, e.g. ('fit_rules.csv',)."""

    folder: Path
    tables: tuple[str, ...]

    def show_as_proposed(self, line: str, copy: Path) -> str:
        """A line of the scratch build's output with its rule-table files named as the analyst
        knows them: the proposal's own files by their path in the proposal folder."""
        for table in self.tables:
            copy_seeds = re.escape(str(copy / SEEDS_DIR))
            pattern = re.compile(rf"(?:{copy_seeds}|(?<![\w/.-]){SEEDS_DIR})/{re.escape(table)}")
            line = pattern.sub(str(self.folder / table), line)
        return line


def rule_tables(project: Path) -> list[str]:
    """The rule tables a proposal may replace: the project's seed files."""
    return sorted(path.name for path in (project / SEEDS_DIR).glob("*.csv"))


def read_proposal(folder: Path, project: Path) -> Proposal:
    """Check the proposal folder; raises InvalidProposal saying what to put there instead."""
    known = rule_tables(project)
    listed = ", ".join(known)
    if not folder.is_dir():
        raise InvalidProposal(
            f"--rules {folder}: no such folder. Put the proposed rule tables ({listed}) in a "
            "folder and pass it."
        )
    files = sorted(path.name for path in folder.iterdir() if not path.name.startswith("."))
    unknown = [name for name in files if name not in known]
    if unknown:
        raise InvalidProposal(
            f"--rules {folder}: {', '.join(unknown)} is no rule table. A proposal folder holds "
            f"only rule tables, named as in seeds/: {listed}."
        )
    if not files:
        raise InvalidProposal(
            f"--rules {folder} holds no rule table: copy the ones you change from seeds/ "
            f"({listed}) and edit them there."
        )
    return Proposal(folder=folder, tables=tuple(files))


def scratch_project(project: Path, proposal: Proposal, destination: Path) -> Path:
    """A copy of the dbt project in `destination` whose seeds/ holds the proposal's tables."""
    destination.mkdir(parents=True, exist_ok=True)
    for entry in PROJECT_ENTRIES:
        source = project / entry
        if source.is_dir():
            shutil.copytree(source, destination / entry, ignore=NOT_COPIED)
        elif source.is_file():
            shutil.copy2(source, destination / entry)
    for table in proposal.tables:
        shutil.copyfile(proposal.folder / table, destination / SEEDS_DIR / table)
    return destination
