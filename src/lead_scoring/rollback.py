"""`lead-scoring rollback`: publish a kept build again, atomically, under the run lock."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from lead_scoring import publishing, run_records, storage_format
from lead_scoring.arguments import RollbackOptions
from lead_scoring.dbt_session import PROFILE_DEFAULT_TARGET, target_storage_version
from lead_scoring.exit_codes import ExitCode
from lead_scoring.locations import project_dir, published_path
from lead_scoring.lock import LockHeld, RunLock, lock_failed, lock_holder, locked_out
from lead_scoring.run_log import teed_run
from lead_scoring.unwritable_folder import unwritable_folder


def kept_builds(layout: publishing.Layout) -> list[str]:
    """Run ids of kept builds that can be published again, oldest first."""
    successful = run_records.successful_builds(layout.runs)
    return [
        run_id
        for run_id in publishing.build_run_ids(layout)
        if run_id in successful and layout.build_file(run_id).is_file()
    ]


def choose_rollback(
    kept: list[str], current: str | None, wanted: str | None
) -> tuple[str | None, str]:
    """The kept build to publish, or None and why not."""
    listed = ", ".join(kept) if kept else "none"
    if wanted:
        if wanted not in kept:
            return None, f"run {wanted} is not a kept build (kept builds: {listed})"
        return wanted, ""
    older = [run_id for run_id in kept if current is None or run_id < current]
    if not older:
        which = f"the published run {current}" if current else "the published warehouse"
        return None, f"no kept build is older than {which} (kept builds: {listed})"
    return older[-1], ""


def built_for_target(info: dict[str, Any]) -> str | None:
    """The profiles.yml target a kept build was built for (its ops.build_info), None for the
    profile's default.

    A rollback runs no dbt, so it takes no --target: the only thing a target decides for it is
    the storage format the build is published in (storage_format.py), and that is the format
    of the target the build was built for, whose readers it serves.
    """
    target = info.get("target")
    return None if target in (None, PROFILE_DEFAULT_TARGET) else str(target)


def rollback_command(options: RollbackOptions) -> int:
    """Publish a kept build again (atomically), under the run lock."""
    project = project_dir(options.project_dir)
    layout = publishing.Layout(published_path(project, options.duckdb_path))
    if not layout.builds.is_dir():
        print(f"Nothing to roll back to: {layout.builds} does not exist.", file=sys.stderr)
        return ExitCode.NOT_RUN
    other = run_records.other_warehouse_in_folder(layout)
    if other:
        return run_records.shares_folder(layout, other)
    run_id = run_records.new_run_id()
    lock = RunLock(layout.lock)
    try:
        lock.acquire(lock_holder(run_id, "rollback"))
    except LockHeld as held:
        return locked_out(layout, run_id, "rollback", held)
    except OSError as error:
        return lock_failed(layout, error)
    try:
        record = run_records.RunRecord.start(
            layout.runs, run_id, "rollback", published_path=str(layout.published)
        )
        return teed_run(
            layout, record, lambda: rollback(layout, project, options.to, run_id, record)
        )
    finally:
        lock.release()


def rollback(
    layout: publishing.Layout,
    project: Path,
    wanted: str | None,
    run_id: str,
    record: run_records.RunRecord,
) -> int:
    """Publish the chosen kept build over the published file; the lock is held."""
    import duckdb

    current_info = publishing.read_build_info(layout.published) or {}
    current = str(current_info["run_id"]) if current_info.get("run_id") else None
    chosen, why_not = choose_rollback(kept_builds(layout), current, wanted)
    record.update(previous_published=current)
    if chosen is None:
        print(f"Nothing rolled back: {why_not}.", file=sys.stderr)
        record.finish("not_run", ExitCode.NOT_RUN, why_not)
        return ExitCode.NOT_RUN
    if chosen == current:
        print(f"Run {chosen} is already the published build; nothing to do.")
        record.update(rolled_back_to=chosen)
        record.finish("rolled_back", ExitCode.SUCCESS, "already published")
        return ExitCode.SUCCESS
    source = layout.build_file(chosen)
    info = publishing.read_build_info(source)
    if not info or str(info.get("run_id")) != chosen:
        message = f"the kept build {source} cannot be read or is not run {chosen}"
        print(f"Nothing rolled back: {message}.", file=sys.stderr)
        record.finish("not_run", ExitCode.NOT_RUN, message)
        return ExitCode.NOT_RUN
    storage_version = target_storage_version(built_for_target(info), project)
    try:
        # a build kept from before profiles.yml named the storage format is in DuckDB's own
        rewritten_from = storage_format.rewrite_for_readers(source, storage_version)
        publishing.publish_file(source, layout.published, run_id)
    except (publishing.PublishError, duckdb.Error, OSError) as error:
        unwritable = unwritable_folder(f"publishing the kept build {source}", error)
        if unwritable is not None:
            raise unwritable from error  # exit 2, said in one line (teed_run)
        print(f"Nothing rolled back: {error}", file=sys.stderr)
        record.finish("failed", ExitCode.FAILED, str(error))
        return ExitCode.FAILED
    if rewritten_from:
        print(
            f"The kept build of run {chosen} was in DuckDB's storage format {rewritten_from}: "
            f"rewritten in {storage_version}, which DuckDB {storage_version} and newer open."
        )
    replaced = f"run {current}" if current else "the previous file"
    print(
        f"Rolled back: {layout.published} is now run {chosen} (as of {info.get('as_of')}), "
        f"replacing {replaced}. Open connections keep the old build until they reconnect."
    )
    record.update(rolled_back_to=chosen, as_of=str(info.get("as_of")))
    record.finish("rolled_back", ExitCode.SUCCESS)
    return ExitCode.SUCCESS
