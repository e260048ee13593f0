"""dbt, run in-process: the command lines a run gives it, the profile's target, and a session
that runs the build and then queries the build through dbt's adapter."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lead_scoring import profile_settings
from lead_scoring.arguments import BuildOptions
from lead_scoring.exit_codes import ExitCode
from lead_scoring.run_progress import dbt_console_flags
from lead_scoring.run_state import RunState

# The run's as_of and incremental cutoff reach dbt through these, not --vars: dbt parses the
# whole project again (3-4 s) whenever --vars change, and these change every run. The macros
# read them only when dbt runs a node (macros/incremental/), so dbt reuses
# the previous run's parse (docs/operations.md "Parsing once"). A --vars value still wins.
RUN_AS_OF_ENV = "LEAD_SCORING_RUN_AS_OF"
RUN_INCREMENTAL_SINCE_ENV = "LEAD_SCORING_RUN_INCREMENTAL_SINCE"
NO_MATCH_IS_AN_ERROR = json.dumps({"error": ["NoNodesForSelectionCriteria"]})
FAILED_STATUSES = frozenset({"error", "fail", "runtime error", "partial success"})
# what a build without --target recorded as its target (the run record, ops.build_info) before
# builds recorded the name of the profile's default target; also the target when profiles.yml
# cannot name it
PROFILE_DEFAULT_TARGET = "profile default"


def project_flags(project: Path, target: str | None) -> list[str]:
    """The flags every dbt command gets: the project and its profiles.yml, and the target."""
    flags = ["--project-dir", str(project), "--profiles-dir", str(project)]
    return [*flags, "--target", target] if target else flags


def dbt_vars(options: BuildOptions) -> dict[str, Any]:
    """The --vars this run passes to dbt: options that stay the same from run to run."""
    variables: dict[str, Any] = {}
    if options.hash_pii:
        variables["hash_pii"] = True
    if options.max_dirty_row_share is not None:
        variables["max_dirty_row_share"] = options.max_dirty_row_share
    return variables


def dbt_environment(state: RunState) -> dict[str, str]:
    """The run's as_of and incremental cutoff for dbt ('' when not set): see RUN_AS_OF_ENV."""
    return {
        RUN_AS_OF_ENV: state.as_of,
        RUN_INCREMENTAL_SINCE_ENV: state.incremental_since or "",
    }


def build_arguments(
    options: BuildOptions, state: RunState, project: Path, log_path: Path | None = None
) -> list[str]:
    """The `dbt build` command line."""
    arguments = ["build", *project_flags(project, options.target), *dbt_console_flags()]
    if options.full_refresh:
        arguments.append("--full-refresh")
    if options.select:
        # A selection that matches nothing is a typo, not a successful run: make dbt stop on it.
        arguments += ["--select", *options.select, "--warn-error-options", NO_MATCH_IS_AN_ERROR]
    variables = dbt_vars(options)
    if variables:
        arguments += ["--vars", json.dumps(variables)]
    if state.leaves_out_unit_tests:
        arguments += ["--exclude-resource-type", "unit_test"]
    if log_path is not None:
        arguments += ["--log-path", str(log_path)]
    return arguments


def freshness_arguments(
    options: BuildOptions, project: Path, log_path: Path | None = None
) -> list[str]:
    """The `dbt source freshness` command line (it runs the on-run-start hook too)."""
    arguments = [
        "source",
        "freshness",
        *project_flags(project, options.target),
        *dbt_console_flags(),
    ]
    variables = dbt_vars(options)
    if variables:
        arguments += ["--vars", json.dumps(variables)]
    if log_path is not None:
        arguments += ["--log-path", str(log_path)]
    return arguments


def target_name(target: str | None, project: Path | None = None) -> str:
    """The name of the target dbt builds: `target`, or the profile's own default target as
    profiles.yml renders it (e.g. 'duckdb'); PROFILE_DEFAULT_TARGET when it cannot tell."""
    try:
        return profile_settings.target_name(target, project)
    except Exception:
        return target or PROFILE_DEFAULT_TARGET


def target_adapter_type(target: str | None, project: Path | None = None) -> str | None:
    """The adapter type ('duckdb', 'postgres', ...) of a target of profiles.yml, or None.

    Renders only the profile's `target` and the output's `type` (env_var() and all), without
    connecting. None when it cannot tell (an unknown target: dbt then reports it).
    """
    try:
        return profile_settings.render(profile_settings.output(target, project)["type"])
    except Exception:
        return None


def target_storage_version(target: str | None, project: Path | None = None) -> str | None:
    """The DuckDB storage format a target of profiles.yml creates files in (its config_options'
    storage_compatibility_version, e.g. 'v1.4.0'); None when it sets none or cannot tell."""
    try:
        options = profile_settings.output(target, project).get("config_options") or {}
        return profile_settings.render(options.get("storage_compatibility_version")) or None
    except Exception:
        return None


class DbtSession:
    """One in-process dbt runner: the build, then read-only queries through dbt's adapter.

    Queries use `dbt show --inline-direct`: the SQL goes to the adapter as is, without parsing
    the project again, and the rows come back in the ShowNode event. dbt-duckdb keeps its DuckDB
    connection open for the whole process (`keep_open`, on by default), so the queries share the
    build's connection: no second connection competes for the file. With keep_open off, dbt
    closes the file after the build and the query reopens it, which is just as safe.

    `on_event` gets every event of dbt's (the run's progress display), from dbt's threads.
    """

    def __init__(
        self,
        project: Path,
        target: str | None,
        log_path: Path | None = None,
        on_event: Callable[[Any], None] | None = None,
    ) -> None:
        from dbt.cli.main import dbtRunner

        self._project = project
        self._target = target
        self._log_path = log_path
        self._previews: list[str] = []
        callbacks = [self._keep_preview, *([on_event] if on_event else [])]
        self._runner = dbtRunner(callbacks=callbacks)

    def _keep_preview(self, event: Any) -> None:
        if event.info.name == "ShowNode":
            self._previews.append(event.data.preview)

    def invoke(self, arguments: list[str]) -> Any:
        """Run one dbt command; returns dbt's dbtRunnerResult (dbt catches every exception)."""
        return self._runner.invoke(arguments)

    def query(self, sql: str, limit: int) -> list[dict[str, Any]] | None:
        """The first `limit` rows of a query as dicts, or None when the query fails."""
        self._previews.clear()
        log_flags = ["--log-path", str(self._log_path)] if self._log_path else []
        result = self._runner.invoke(
            [
                "show",
                "--inline-direct",
                sql,
                "--limit",
                str(limit),
                "--output",
                "json",
                "--log-level",
                "none",
                *log_flags,
                *project_flags(self._project, self._target),
            ]
        )
        if not result.success or len(self._previews) != 1:
            return None
        return json.loads(self._previews[0])


def start_session(
    project: Path,
    target: str | None,
    log_path: Path | None = None,
    on_event: Callable[[Any], None] | None = None,
) -> DbtSession | None:
    """A dbt session, or None (after saying why) when dbt is not installed."""
    try:
        return DbtSession(project, target, log_path, on_event)
    except ImportError as error:
        print(f"dbt is not installed ({error}): run `make install` first.", file=sys.stderr)
        return None


def dbt_version() -> str | None:
    with contextlib.suppress(ImportError):
        from dbt.version import __version__

        return str(__version__)
    return None


@dataclass(frozen=True)
class Outcome:
    """What happened to one node of the build."""

    kind: str
    name: str
    path: str
    status: str
    message: str
    relation: str | None
    failures: int | None
    compiled_sql: str | None = None
    # the node's description and meta in its yml (a test's words, the dirty rows it reports)
    description: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The node as a reader finds it: kind, name and file."""
        return f"{self.kind.replace('_', ' ')} {self.name} ({self.path})"


def outcomes(run_result: Any) -> list[Outcome]:
    """The build's node results, in the order dbt ran them."""
    return [
        Outcome(
            kind=str(result.node.resource_type),
            name=result.node.name,
            path=getattr(result.node, "original_file_path", ""),
            status=str(result.status),
            message=(result.message or "").strip(),
            relation=getattr(result.node, "relation_name", None),
            failures=result.failures,
            compiled_sql=getattr(result.node, "compiled_code", None),
            description=(getattr(result.node, "description", "") or "").strip(),
            meta=dict(getattr(getattr(result.node, "config", None), "meta", None) or {}),
        )
        for result in run_result.results
    ]


def exit_code(result: Any) -> ExitCode:
    """SUCCESS, FAILED or NOT_RUN from a dbtRunnerResult.

    dbt could not run when it raised (the result carries the exception and no run results):
    usage errors, an unknown target, a project or jinja template that does not parse, an
    on-run-start hook that raises (a missing raw file), a locked DuckDB file. Otherwise it ran,
    and it failed when a node errored or failed, or when dbt itself reports no success.
    """
    if result.exception is not None or result.result is None:
        return ExitCode.NOT_RUN
    failed = any(str(node.status) in FAILED_STATUSES for node in result.result.results)
    return ExitCode.FAILED if failed or not result.success else ExitCode.SUCCESS
