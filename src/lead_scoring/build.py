"""`lead-scoring run`: one production build, in named steps (docs/operations.md).

Under the run lock (build_command.py takes it): decide the run's as_of and mode (RunState),
check the rule tables and the raw data, check source freshness, run one `dbt build` into a fresh
file, print the summary, publish the build when everything passed (build_publishing.py), and
write the run record.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from lead_scoring import publishing, run_records
from lead_scoring.arguments import BuildOptions
from lead_scoring.build_publishing import publish_build
from lead_scoring.dbt_session import (
    FAILED_STATUSES,
    DbtSession,
    Outcome,
    build_arguments,
    dbt_environment,
    exit_code,
    outcomes,
    start_session,
    target_storage_version,
)
from lead_scoring.exit_codes import ExitCode
from lead_scoring.freshness import Freshness, check_freshness, freshness_lines, skipped_freshness
from lead_scoring.incremental import (
    IncrementalPlan,
    as_of_mix_of_a_select_build,
    backfill_of,
    leaves_out_unit_tests,
    plan_incremental,
    project_fingerprint,
    published_unit_test_fingerprint,
    read_published_info,
    unit_test_fingerprint,
)
from lead_scoring.inputs import ensure_demo_data, seed_header_problems
from lead_scoring.locations import DUCKDB_PATH_ENV, Locations, export_locations
from lead_scoring.lock import describe_holder
from lead_scoring.run_progress import RunProgress
from lead_scoring.run_state import RunState
from lead_scoring.summary import (
    data_quality_rows,
    dirty_row_totals,
    fatal_lines,
    header_lines,
    result_line,
    summary_lines,
)
from lead_scoring.unwritable_folder import unwritable_folder, unwritable_folder_named_in


class Stop(Exception):
    """A step ends the run: its exit code, the record's outcome and why.

    `lines` go to stdout and `errors` to stderr before the verdict; `verdict` says whether the
    Result line follows (an interrupted run ends without one).
    """

    def __init__(
        self,
        code: ExitCode,
        outcome: str,
        reason: str,
        lines: list[str] | None = None,
        errors: list[str] | None = None,
        verdict: bool = True,
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.outcome = outcome
        self.reason = reason
        self.lines = lines or []
        self.errors = errors or []
        self.verdict = verdict


def run_time_as_of() -> str:
    """Now, in the form --as-of produces: a default run pins its as_of, so it can be re-run."""
    return publishing.utc_now().replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


class BuildRun:
    """One build: its steps, each a method, from the published warehouse to the run record."""

    def __init__(
        self,
        options: BuildOptions,
        locations: Locations,
        layout: publishing.Layout,
        run_id: str,
        record: run_records.RunRecord,
        adapter_type: str | None,
        progress: RunProgress,
    ) -> None:
        self.options = options
        self.locations = locations
        self.project = locations.project_dir
        self.layout = layout
        self.run_id = run_id
        self.record = record
        self.adapter_type = adapter_type
        self.progress = progress
        # Only a DuckDB file can be built aside and swapped in; None: dbt will say what is wrong.
        self.publishes = adapter_type in (None, "duckdb")
        # the published build's as_of when this run is a backfill that writes its own file
        self.backfill_of: datetime | None = None
        self.storage_version = target_storage_version(options.target, self.project)
        self.state = RunState(as_of=options.as_of or "")
        self.plan = IncrementalPlan(None, "not planned yet")
        self.fingerprint = ""
        self.unit_fingerprint = ""
        self.published_unit_fingerprint: str | None = None

    @property
    def build_dir(self) -> Path:
        return self.layout.build_dir(self.run_id)

    @property
    def build_file(self) -> Path:
        return self.layout.build_file(self.run_id)

    @property
    def destination(self) -> Path:
        """The file this run publishes to: the published warehouse, or a backfill's own file."""
        if self.backfill_of is None:
            return self.layout.published
        return self.layout.backfill_file(self.state.as_of)

    def published_run(self) -> str | None:
        info = publishing.read_build_info(self.layout.published)
        return str(info["run_id"]) if info and info.get("run_id") else None

    def unchanged_line(self) -> str:
        if not self.publishes:
            return f"Target type {self.adapter_type}: dbt built in place; no file to publish."
        published = self.published_run()
        if not self.layout.published.exists():
            return (
                f"Nothing published: there is no published warehouse yet ({self.layout.published})."
            )
        which = f" (run {published})" if published else ""
        return f"Nothing published: {self.layout.published}{which} is unchanged."

    # -- the steps, in order ------------------------------------------------------------------

    def run(self, left_behind: dict[str, Any] | None) -> int:
        """Every step; a step that ends the run raises Stop."""
        try:
            published_info = read_published_info(self.layout.published, self.publishes)
            self.backfill_of = backfill_of(self.options, published_info)
            self.announce(left_behind)
            self.refuse_unsafe_runs(published_info)
            self.decide(published_info)
            session = self.check_inputs()
            extra = self.point_dbt_at_build()
            extra += freshness_lines(self.check_sources(session, extra))
            return self.build_and_publish(session, extra)
        except Stop as stop:
            return self.stopped(stop)

    def announce(self, left_behind: dict[str, Any] | None) -> None:
        """Say where this run builds and publishes; clean up after runs that died."""
        self.record.update(backfill_path=str(self.destination) if self.backfill_of else None)
        verb = "write it to" if self.backfill_of else "publish to"
        print(
            f"Run {self.run_id}: build into {self.build_dir}, then {verb} {self.destination}.",
            flush=True,
        )
        if self.backfill_of:
            print(
                f"A backfill: its as_of, {self.options.as_of}, is earlier than the published "
                f"build's, {self.backfill_of}, so it gets its own file, and the published "
                f"warehouse {self.layout.published} stays as it is (--replace-published "
                "publishes over it)."
            )
        if left_behind:
            print(
                f"Recovered the run lock {self.layout.lock}: "
                f"{describe_holder(left_behind)} ended without releasing it "
                "(killed or crashed); nothing of it was published."
            )
        interrupted = run_records.mark_interrupted(self.layout.runs, self.run_id)
        if interrupted:
            print("Marked as interrupted (killed or crashed): " + ", ".join(interrupted))
        publishing.remove_leftover_temporaries(self.layout)

    def refuse_unsafe_runs(self, published_info: dict[str, Any] | None) -> None:
        """Stop (exit 2) a run that cannot do what it was asked without harm."""
        if self.options.select and self.publishes and not self.layout.published.is_file():
            raise self.not_run(
                "A --select build rebuilds part of the published warehouse, and there is none "
                f"yet at {self.layout.published}: run a full build first (without --select)."
            )
        mixed = as_of_mix_of_a_select_build(self.options, published_info)
        if mixed:
            raise self.not_run(mixed)
        if published_info and published_info.get("hash_pii") and not self.options.hash_pii:
            raise self.not_run(
                f"The published warehouse {self.layout.published} was published with "
                "--hash-pii (emails hashed, marts only): this run would publish the emails in "
                "plain text to its audience. Pass --hash-pii, or, if that audience may see "
                "emails, move the published file away first."
            )

    def decide(self, published_info: dict[str, Any] | None) -> None:
        """The run's state: its as_of, its incremental cutoff, whether unit tests run."""
        options = self.options
        published_as_of = (published_info or {}).get("as_of") if options.select else None
        if options.as_of:
            as_of, is_run_time, is_published = options.as_of, False, False
        elif isinstance(published_as_of, datetime):
            # the tables it does not select stay as of the published as_of: so do its own
            as_of = published_as_of.isoformat(sep=" ", timespec="microseconds")
            is_run_time, is_published = False, True
            print(
                f"A --select build keeps the published as_of, {as_of}, which the tables it "
                "does not select are computed at."
            )
        else:
            as_of, is_run_time, is_published = run_time_as_of(), True, False
        self.record.update(as_of=as_of, as_of_given=bool(options.as_of))
        self.record.save()  # so a run that is killed from here on still shows its as_of
        self.fingerprint = project_fingerprint(self.project, options.hash_pii)
        self.plan = plan_incremental(
            options, as_of, self.layout.published, self.publishes, self.fingerprint, published_info
        )
        self.unit_fingerprint = unit_test_fingerprint(self.project, options.hash_pii)
        self.published_unit_fingerprint = published_unit_test_fingerprint(published_info)
        passed = self.published_unit_fingerprint == self.unit_fingerprint
        self.state = RunState(
            as_of=as_of,
            as_of_is_run_time=is_run_time,
            as_of_is_published=is_published,
            incremental_since=self.plan.since,
            leaves_out_unit_tests=leaves_out_unit_tests(options, passed),
        )
        self.record.update(
            incremental_since=self.plan.since,
            build_mode_reason=self.plan.reason,
            unit_tests="left out" if self.state.leaves_out_unit_tests else "run",
        )

    def check_inputs(self) -> DbtSession:
        """The rule tables' headers, the raw data and the build file; a dbt session."""
        with self.progress.step("checking raw files"):
            seed_problems = seed_header_problems(self.project)
            if not seed_problems:
                prepared = self.prepare()
        if seed_problems:
            reason = "a rule table's header row is wrong"
            lines = ["Rule tables (seeds) that cannot be read:", *seed_problems]
            raise Stop(ExitCode.FAILED, "failed", reason, [*lines, self.unchanged_line()])
        if isinstance(prepared, str):
            raise self.not_run(prepared)
        if prepared is None:
            raise Stop(ExitCode.NOT_RUN, "not_run", "dbt is not installed")
        return prepared

    def prepare(self) -> DbtSession | str | None:
        """Raw data, build folder and file, and a dbt session (None: dbt is not installed), or
        why they could not be prepared."""
        try:
            export_locations(self.locations)
            ensure_demo_data(self.locations, self.options.demo_leads)
            self.build_dir.mkdir(parents=True, exist_ok=True)
            # The copy an incremental run starts from (GBs at scale) is made while dbt is
            # imported: the kernel copies while Python imports, about 1 s less at 1M leads.
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                copying = pool.submit(self.prepare_build_file) if self.publishes else None
                session = start_session(
                    self.project,
                    self.options.target,
                    self.build_dir,
                    self.progress.handle_dbt_event,
                )
                if copying is not None:
                    copying.result()
        except (ImportError, OSError, ValueError) as error:
            return f"Could not prepare the raw data or the build folder: {error}"
        return session

    def prepare_build_file(self) -> None:
        """A fresh build file; a --select build starts from a copy of the published one."""
        publishing.wal_of(self.build_file).unlink(missing_ok=True)
        self.build_file.unlink(missing_ok=True)
        if self.options.select and self.layout.published.is_file():
            self.copy_published()
            print(
                "A --select build starts from a copy of the published warehouse, so the models "
                "it does not select keep their published tables."
            )
        elif self.plan.since:
            self.copy_published()
            print(
                "An incremental run starts from a copy of the published warehouse and "
                f"recomputes what is stamped from {self.plan.since} UTC on."
            )

    def copy_published(self) -> None:
        """The published file copied to the build file; FolderUnwritable on a full disk."""
        try:
            shutil.copyfile(self.layout.published, self.build_file)
        except OSError as error:
            unwritable = unwritable_folder(
                f"the copy of the published warehouse, {self.build_file}", error
            )
            if unwritable is not None:
                raise unwritable from error
            raise

    def point_dbt_at_build(self) -> list[str]:
        """Hand dbt the build file and the run's state; the summary's lines about them."""
        database = self.build_file if self.publishes else self.locations.duckdb_path
        # the path dbt opens it by is the same every run; the link follows the published
        # warehouse's builds, so a backfill opens its own by its real path
        if self.publishes and self.backfill_of is None:
            os.environ[DUCKDB_PATH_ENV] = str(
                publishing.point_current_build_link(self.layout, self.run_id)
            )
        else:
            os.environ[DUCKDB_PATH_ENV] = str(database)
        os.environ.update(dbt_environment(self.state))
        extra = [
            f"  run:        {self.run_id} (record {self.record.path})",
            f"  build:      {database}",
            self.plan.line(),
        ]
        if self.backfill_of:
            extra.append(
                f"  backfill:   {self.destination} (the published warehouse, as of "
                f"{self.backfill_of}, stays as it is)"
            )
        return extra

    def check_sources(self, session: DbtSession, extra: list[str]) -> Freshness:
        """Source freshness, unless this run skips it; an error stops the run (exit 1)."""
        freshness = skipped_freshness(self.options, self.state)
        if freshness is None:
            with self.progress.step("source freshness"):
                freshness = check_freshness(session, self.options, self.project, self.build_dir)
        self.record.update(freshness=freshness.as_record())
        if freshness.status == "not_run":
            raise self.could_not_run(freshness.exception, "source freshness")
        if freshness.status in ("error", "runtime error"):
            stale = [s["source"] for s in freshness.sources if s["status"] == freshness.status]
            reason = f"source freshness {freshness.status}: {', '.join(stale)}"
            header = header_lines(
                self.options, self.state, self.locations, [*extra, *freshness_lines(freshness)]
            )
            raise Stop(ExitCode.FAILED, "failed", reason, [*header, self.unchanged_line()])
        return freshness

    def build_and_publish(self, session: DbtSession, extra: list[str]) -> int:
        """`dbt build`, the summary, and publishing when everything passed."""
        with self.progress.step("dbt build"):
            result = session.invoke(
                build_arguments(self.options, self.state, self.project, self.build_dir)
            )
        code = exit_code(result)
        if code == ExitCode.NOT_RUN:
            raise self.could_not_run(result.exception, "dbt build")
        nodes = outcomes(result.result)
        self.record.update(**run_records.node_records(result.result))
        rows = data_quality_rows(session, nodes)
        self.record.update(dirty_rows=dirty_row_totals(rows))
        lines = summary_lines(session, self.options, self.state, self.locations, nodes, extra, rows)
        print("\n".join(lines), flush=True)
        publishing.release_dbt_duckdb()
        self.refuse_a_build_file_that_could_not_be_written(nodes)

        reason = None
        after = [self.unchanged_line()]
        if code == ExitCode.SUCCESS and self.publishes:
            with self.progress.step("publishing"):
                published = publish_build(self, result.result)
            code, after, reason = published.code, published.lines, published.reason
            if code != ExitCode.SUCCESS:
                after.append(self.unchanged_line())
        print("\n".join(after))
        print(result_line(code, nodes, reason))
        return self.finish(code, self.outcome(code), reason or "")

    def refuse_a_build_file_that_could_not_be_written(self, nodes: list[Outcome]) -> None:
        """FolderUnwritable when a node failed because DuckDB could not write the build file
        (a full disk): the folder's fault, not the code's, so the run is not run (exit 2)."""
        for node in nodes:
            if node.status not in FAILED_STATUSES:
                continue
            what = f"the build file {self.build_file}, by {node.kind} {node.name}"
            unwritable = unwritable_folder_named_in(what, node.message)
            if unwritable is not None:
                raise unwritable

    # -- how a run ends -----------------------------------------------------------------------

    def finish(self, code: ExitCode, outcome: str, message: str) -> ExitCode:
        if self.backfill_of is None:  # the kept builds are the published warehouse's
            self.prune()
        self.record.finish(outcome, code, message)
        return code

    def stopped(self, stop: Stop) -> ExitCode:
        """Say why a step stopped the run, give the verdict, and record it."""
        sys.stdout.flush()  # keep what was printed before our message in a combined log
        if stop.errors:
            print("\n".join(stop.errors), file=sys.stderr, flush=True)
        if stop.lines:
            print("\n".join(stop.lines))
        if stop.verdict:
            print(result_line(stop.code, [], stop.reason if stop.outcome == "failed" else None))
        return self.finish(stop.code, stop.outcome, stop.reason)

    def not_run(self, message: str) -> Stop:
        """Stop before dbt builds anything (exit 2), saying why."""
        return Stop(ExitCode.NOT_RUN, "not_run", message, errors=[message])

    def could_not_run(self, exception: BaseException | None, step: str) -> Stop:
        if isinstance(exception, KeyboardInterrupt):
            # Ctrl-C: dbt stops and hands back the interrupt; like any signal, the run ends
            # interrupted with 128 + the signal (docs/operations.md)
            return Stop(
                ExitCode.INTERRUPTED,
                "interrupted",
                f"{step}: interrupted (SIGINT)",
                [self.unchanged_line()],
                [f"\nInterrupted (Ctrl-C) during {step}."],
                verdict=False,
            )
        message = f"{step}: " + (str(exception).strip().splitlines() or ["no reason given"])[0]
        return Stop(
            ExitCode.NOT_RUN,
            "not_run",
            message,
            [self.unchanged_line()],
            ["", *fatal_lines(exception)],
        )

    def outcome(self, code: ExitCode) -> str:
        """The run record's outcome for the build's exit code."""
        if code != ExitCode.SUCCESS:
            return "failed"
        if not self.publishes:
            return "built"
        return "backfilled" if self.backfill_of else "published"

    def tested_unit_fingerprint(self) -> str | None:
        """The unit-test fingerprint this build vouches for (ops.build_info).

        Its own when it ran every unit test (it is published only if they passed), the
        published build's when it left them out, none when a --select build ran some of them.
        """
        if self.state.leaves_out_unit_tests:
            return self.published_unit_fingerprint
        return None if self.options.select else self.unit_fingerprint

    def prune(self) -> None:
        """Keep the newest --keep successful builds and a few failed ones; delete the rest."""
        if not self.layout.builds.is_dir():
            return
        successful = run_records.successful_builds(self.layout.runs)
        if self.record.data.get("published"):
            successful.add(self.run_id)
        protected = {self.run_id}
        published = self.published_run() if self.layout.published.is_file() else None
        if published:
            protected.add(published)
        deleted = publishing.prune_builds(self.layout, successful, self.options.keep, protected)
        kept = [run_id for run_id in publishing.build_run_ids(self.layout) if run_id in successful]
        self.record.update(kept_builds=kept, deleted_builds=deleted)
