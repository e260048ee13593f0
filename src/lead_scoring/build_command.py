"""`lead-scoring run`: the run lock, the run record and the run log around one build.

The build's steps are BuildRun's (build.py); this module checks the warehouse path, takes the
lock, starts the run record, and runs the steps with the run log and progress display.
"""

from __future__ import annotations

import sys

from lead_scoring import publishing, run_records
from lead_scoring.arguments import BuildOptions
from lead_scoring.build import BuildRun
from lead_scoring.dbt_session import target_adapter_type, target_name
from lead_scoring.exit_codes import ExitCode
from lead_scoring.locations import Locations, project_dir, resolve_locations
from lead_scoring.lock import LockHeld, RunLock, lock_failed, lock_holder, locked_out
from lead_scoring.run_log import teed_run_with_progress
from lead_scoring.run_progress import RunProgress


def build_command(options: BuildOptions) -> int:
    """`lead-scoring run`: lock, then the build's steps with the run log and progress display."""
    locations = resolve_locations(
        project_dir(options.project_dir), options.raw_dir, options.duckdb_path
    )
    layout = publishing.Layout(locations.duckdb_path)
    if layout.published.is_dir():
        print(
            f"The warehouse path {layout.published} is a folder: give the DuckDB file's path "
            "(--duckdb-path or LEAD_SCORING_DUCKDB_PATH), e.g. "
            f"{layout.published / 'lead_scoring.duckdb'}.",
            file=sys.stderr,
        )
        return ExitCode.NOT_RUN
    other = run_records.other_warehouse_in_folder(layout)
    if other:
        return run_records.shares_folder(layout, other)
    run_id = run_records.new_run_id()
    try:
        layout.make_folders()
    except OSError as error:
        print(
            f"Could not create the warehouse folders in {layout.folder}: {error}", file=sys.stderr
        )
        return ExitCode.NOT_RUN
    lock = RunLock(layout.lock)
    try:
        left_behind = lock.acquire(lock_holder(run_id, "build"))
    except LockHeld as held:
        return locked_out(layout, run_id, "build", held)
    except OSError as error:
        return lock_failed(layout, error)
    try:
        record = start_record(options, locations, layout, run_id)
        adapter_type = record.data["adapter_type"]

        def work(progress: RunProgress) -> int:
            build = BuildRun(options, locations, layout, run_id, record, adapter_type, progress)
            return build.run(left_behind)

        return teed_run_with_progress(layout, record, work, options.verbose)
    finally:
        publishing.release_dbt_duckdb()
        lock.release()


def start_record(
    options: BuildOptions, locations: Locations, layout: publishing.Layout, run_id: str
) -> run_records.RunRecord:
    """The build's run record, saved as 'running'."""
    return run_records.RunRecord.start(
        layout.runs,
        run_id,
        "build",
        target=target_name(options.target, locations.project_dir),
        adapter_type=target_adapter_type(options.target, locations.project_dir),
        raw_dir=str(locations.raw_dir),
        published_path=str(layout.published),
        build_path=str(layout.build_file(run_id)),
        selection=list(options.select) or None,
        full_refresh=options.full_refresh,
        hash_pii=options.hash_pii,
        max_dirty_row_share=options.max_dirty_row_share,
        log=str(run_records.RunRecord(layout.runs / f"{run_id}.json").log_path),
        published=False,
        replace_published=options.replace_published,
        backfill_path=None,
        comparison=None,
    )
