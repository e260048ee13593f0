"""`lead-scoring compare --rules DIR`: what a proposed rule set would change, before anyone edits
seeds/.

The proposal is built by `lead-scoring run` itself, in a child process, on a scratch copy of the
project whose seeds/ holds the proposal's tables, over the raw data and as_of of the published
warehouse, into its own folder under <warehouse folder>/comparisons/. So it gets the same seed
checks, tests and exit codes as a build, and it never takes the published warehouse's lock, writes
to its folder's builds or touches the published file, which it only reads to compare with.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from lead_scoring import publishing, run_records
from lead_scoring.arguments import CompareOptions
from lead_scoring.dbt_session import PROFILE_DEFAULT_TARGET
from lead_scoring.exit_codes import ExitCode
from lead_scoring.locations import project_dir, published_path
from lead_scoring.proposal import InvalidProposal, Proposal, read_proposal, scratch_project
from lead_scoring.rule_set_comparison import SCHEMA, compare_rule_sets

COMPARISONS_DIR = "comparisons"
KEPT_COMPARISONS = 5


def compare_command(options: CompareOptions) -> int:
    """Build the proposal aside, compare it with the published warehouse, print and keep that."""
    project = project_dir(options.project_dir)
    published = published_path(project, options.duckdb_path)
    try:
        proposal = read_proposal(options.rules.expanduser().resolve(), project)
    except InvalidProposal as error:
        print(error, file=sys.stderr)
        return ExitCode.FAILED
    info = publishing.read_build_info(published)
    if info is None:
        print(
            f"Nothing to compare with: no published warehouse at {published}. Run "
            "`lead-scoring run` first (or pass --duckdb-path).",
            file=sys.stderr,
        )
        return ExitCode.NOT_RUN
    published_run = published_record(publishing.Layout(published), str(info["run_id"]))
    comparisons = published.parent / COMPARISONS_DIR
    folder = comparisons / run_records.new_run_id()
    scratch_db = folder / "warehouse" / published.name
    copy = folder / "project"
    as_of = f"{info['as_of']:%Y-%m-%d %H:%M:%S.%f}"
    print(
        f"Building the proposal in {proposal.folder} ({', '.join(proposal.tables)}) as of "
        f"{as_of} over the published build's raw data, into {folder} (never published).",
        flush=True,
    )
    try:
        scratch_project(project, proposal, copy)
        command = scratch_build_command(options, info, published_run, copy, scratch_db, as_of)
        print("--- the proposal's build ---", flush=True)
        code = run_scratch_build(command, proposal, copy)
        print("--- end of the proposal's build ---")
    finally:
        shutil.rmtree(copy, ignore_errors=True)
        prune_comparisons(comparisons, KEPT_COMPARISONS)
    if code != ExitCode.SUCCESS:
        print(f"The proposal was not compared: its build ended with exit code {code}.")
        return code
    print(f"\nThe proposal against the rules in use (published run {info['run_id']}):")
    for line in compare_rule_sets(published, scratch_db):
        print(line)
    print(
        f"The comparison's tables ({SCHEMA}.rule_set_summary, lead_changes, reason_changes, "
        f"priority_moves) are in {scratch_db}; the published warehouse is unchanged."
    )
    return ExitCode.SUCCESS


def published_record(layout: publishing.Layout, run_id: str) -> dict[str, Any]:
    """The run record of the published build ({} when it is gone)."""
    for record in run_records.load_records(layout.runs):
        if record.get("run_id") == run_id:
            return record
    return {}


def scratch_build_command(
    options: CompareOptions,
    info: dict[str, Any],
    published_run: dict[str, Any],
    copy: Path,
    scratch_db: Path,
    as_of: str,
) -> list[str]:
    """`lead-scoring run` for the proposal: the published build's as_of, raw folder, target and
    settings, a full build of its own, no freshness check (the raw data is the published one's)."""
    raw_dir = options.raw_dir or published_run.get("raw_dir")
    command = [sys.executable, "-m", "lead_scoring", "run", "--project-dir", str(copy)]
    command += ["--duckdb-path", str(scratch_db), "--as-of", as_of, "--full-refresh"]
    command += ["--skip-freshness", "--keep", "1"]
    if raw_dir:
        command += ["--raw-dir", str(raw_dir)]
    if info.get("target") not in (None, PROFILE_DEFAULT_TARGET):
        command += ["--target", str(info["target"])]
    if info.get("hash_pii"):
        command.append("--hash-pii")
    if published_run.get("max_dirty_row_share") is not None:
        command += ["--max-dirty-row-share", str(published_run["max_dirty_row_share"])]
    if options.verbose:
        command.append("--verbose")
    return command


def run_scratch_build(command: list[str], proposal: Proposal, copy: Path) -> int:
    """Run the proposal's build, passing its output on with the rule tables named as the
    analyst knows them; returns its exit code."""
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            print(proposal.show_as_proposed(line, copy), end="", flush=True)
        return child.wait()


def prune_comparisons(comparisons: Path, keep: int) -> None:
    """Delete all but the newest `keep` comparison folders (their names sort by time)."""
    folders = sorted(path for path in comparisons.iterdir() if path.is_dir())
    for folder in folders[:-keep]:
        shutil.rmtree(folder, ignore_errors=True)
