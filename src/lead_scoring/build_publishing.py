"""The build's last step: stamp it (ops.build_info), check its views, compare it with the file it
replaces, keep only the marts for --hash-pii, and publish it atomically (publishing.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lead_scoring import build_comparison, publishing, storage_format
from lead_scoring.arguments import DEFAULT_DASHBOARD_PORT
from lead_scoring.dbt_session import dbt_version, target_name
from lead_scoring.exit_codes import ExitCode
from lead_scoring.locations import default_duckdb_path
from lead_scoring.unwritable_folder import unwritable_folder

if TYPE_CHECKING:
    from lead_scoring.build import BuildRun

PUBLISHED_SCHEMAS_WITHOUT_PII = ("marts", publishing.BUILD_INFO_SCHEMA)


@dataclass(frozen=True)
class Published:
    """How publishing went: the exit code, the lines to print, and why it failed (if it did)."""

    code: ExitCode
    lines: list[str]
    reason: str | None = None


def pii_columns(run_result: Any) -> list[tuple[str, str]]:
    """(relation, column) of every mart column the docs tag `meta: {contains_pii: true}`."""
    found = []
    for result in run_result.results:
        node = result.node
        if str(node.resource_type) != "model" or getattr(node, "schema", None) != "marts":
            continue
        for column in (getattr(node, "columns", None) or {}).values():
            if (column.meta or {}).get("contains_pii") and node.relation_name:
                found.append((node.relation_name, column.name))
    return found


def destination_name(build: BuildRun) -> str:
    """What the file this run replaces is, in the user's terms."""
    if build.backfill_of is None:
        return "the published build"
    return f"the previous backfill as of {build.state.as_of}"


def stamp(build: BuildRun) -> None:
    """Write ops.build_info into the build file: what it is and how it was built."""
    options = build.options
    publishing.write_build_info(
        build.build_file,
        {
            "run_id": build.run_id,
            "as_of": build.state.as_of,
            "started_at": build.record.data["started_at"],
            "built_at": publishing.utc_now(),
            "target": target_name(options.target, build.project),
            "dbt_version": dbt_version(),
            "selection": " ".join(options.select) if options.select else None,
            "hash_pii": options.hash_pii,
            "project_fingerprint": build.fingerprint,
            "incremental_since": build.plan.since,
            "unit_tests_fingerprint": build.tested_unit_fingerprint(),
        },
    )


def keep_marts_only(build: BuildRun, run_result: Any) -> None:
    """--hash-pii: check that every PII column is hashed, then drop all but the marts."""
    # the tagged columns this build built, and any email column a --select kept
    columns = sorted(
        {*pii_columns(run_result), *publishing.columns_named(build.build_file, "email")}
    )
    problems = publishing.unhashed_pii(build.build_file, columns)
    if problems:
        raise publishing.PublishError(
            "--hash-pii, but PII columns are not hashed: " + "; ".join(problems)
        )
    publishing.keep_only_schemas(
        build.build_file,
        PUBLISHED_SCHEMAS_WITHOUT_PII,
        storage_format.connect_config(build.storage_version),
    )


def publish_build(build: BuildRun, run_result: Any) -> Published:
    """Stamp, check and publish the build (or write a backfill's own file).

    Raises FolderUnwritable when the warehouse folder refused a write (a full disk): that ends
    the run as not run, not as a build that failed.
    """
    import duckdb

    try:
        stamp(build)
        publishing.release_dbt_duckdb()
        broken = publishing.broken_views(build.build_file)
        if broken:
            raise publishing.PublishError(
                "views of the build do not work: " + "; ".join(broken[:5])
            )
        comparison = build_comparison.compare(
            build.build_file, build.destination, destination_name(build)
        )
        build.record.update(comparison=comparison)
        if build.options.hash_pii:
            keep_marts_only(build, run_result)
        build.destination.parent.mkdir(parents=True, exist_ok=True)
        # a copy of a warehouse published before profiles.yml named the format keeps its own
        storage_format.rewrite_for_readers(build.build_file, build.storage_version)
        publishing.publish_file(build.build_file, build.destination, build.run_id)
    except (publishing.PublishError, duckdb.Error, OSError) as error:
        unwritable = unwritable_folder(f"publishing the build {build.build_file}", error)
        if unwritable is not None:
            raise unwritable from error
        reason = f"built and tested, but not published: {error}"
        return Published(ExitCode.FAILED, [f"NOT PUBLISHED: {error}"], reason)
    return Published(ExitCode.SUCCESS, published_lines(build, comparison))


def published_lines(build: BuildRun, comparison: dict[str, Any]) -> list[str]:
    """What was published where, and how it differs from what it replaced."""
    if build.backfill_of:
        lines = [
            f"Backfill written: run {build.run_id}, as of {build.state.as_of}, is now "
            f"{build.destination} (atomic replace). The published warehouse "
            f"{build.layout.published}, as of {build.backfill_of}, is unchanged."
        ]
    else:
        build.record.update(published=True, published_at=publishing.utc_now().isoformat())
        lines = [
            f"Published: run {build.run_id} is now {build.layout.published} (atomic replace; "
            "open connections keep the previous build until they reconnect).",
            dashboard_line(build),
        ]
    lines += build_comparison.summary_lines(comparison)
    if build.options.hash_pii:
        lines.append(
            "PII: emails are sha256 hashes; only the schemas "
            + ", ".join(PUBLISHED_SCHEMAS_WITHOUT_PII)
            + " were published."
        )
    return lines


def dashboard_line(build: BuildRun) -> str:
    """How to look at the published build in a browser."""
    command = "lead-scoring dashboard"
    if build.layout.published != default_duckdb_path(build.project):
        command += f" --duckdb-path {build.layout.published}"
    else:
        command += " (or make dashboard)"
    return f"See it in a browser: {command}, then open http://127.0.0.1:{DEFAULT_DASHBOARD_PORT}/"
