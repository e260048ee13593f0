"""Production runs of `lead-scoring run`: build then publish, the lock, readers, records, bad input.

Everything here really happens: the orchestrator runs in subprocesses on a copy of the project
and the shared generated raw data; a build is killed with SIGKILL; two runs start at once; a
separate reader process holds a read-only DuckDB connection across a publish; bad raw files
and a bad seed edit are fed in, and the published file is hashed before and after.

The main scenario shares one published warehouse through module-scoped fixtures, in order:
publish as of 2026-10-01 -> kill a build -> two runs at once while a reader reads (the winner
recovers the killed run's lock and publishes as of 2026-11-01) -> rerun the same build. Tests
that change the published file (rollback) come after the tests that read the scenario.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import (
    LEAD_SCORING,
    ORCHESTRATOR_ENV,
    RUN_TIMEOUT_SECONDS,
    RawData,
    RunOrchestrator,
    read_with_duckdb_cli,
)
from dbt_harness import copy_project, marts_rows, same_within_spec

from lead_scoring.demo_data.generator import generate
from lead_scoring.locations import PROJECT_DIR_ENV

pytestmark = pytest.mark.slow

FIRST_AS_OF = "2026-10-01"
SECOND_AS_OF = "2026-11-01"
RUN_ID = re.compile(r"(?:Run|This build) \(?(\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{4})")
BUILD_STARTED = "START sql table model"  # dbt has begun building tables
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_id_of(output: str) -> str:
    match = RUN_ID.search(output)
    assert match, output[-3000:]
    return match.group(1)


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on a read-only connection (closed again at once)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def published_run(database: Path) -> str:
    return str(query(database, "select run_id from ops.build_info")[0][0])


def leads_read_by_duckdb_cli(database: Path) -> int:
    """The rows of marts.dim_leads as the DuckDB 1.5 command line reads them from the file."""
    return int(read_with_duckdb_cli(database, "select count(*) from marts.dim_leads"))


def leads(database: Path) -> int:
    return int(query(database, "select count(*) from marts.dim_leads")[0][0])


def orchestrator_env(duckdb_path: Path, raw_dir: Path | None) -> dict[str, str]:
    environment = {
        name: value for name, value in os.environ.items() if name not in ORCHESTRATOR_ENV
    }
    environment["LEAD_SCORING_DUCKDB_PATH"] = str(duckdb_path)
    if raw_dir is not None:
        environment["LEAD_SCORING_RAW_DIR"] = str(raw_dir)
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def start_orchestrator(
    project: Path, *args: str, duckdb_path: Path, raw_dir: Path | None
) -> subprocess.Popen[str]:
    """`lead-scoring run` in the background, stdout and stderr in one pipe; --verbose, so that
    dbt's log lines (BUILD_STARTED) come as dbt writes them."""
    return subprocess.Popen(
        [str(LEAD_SCORING), "run", "--verbose", *args],
        cwd=project,
        env={**orchestrator_env(duckdb_path, raw_dir), PROJECT_DIR_ENV: str(project)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_until(process: subprocess.Popen[str], marker: str, timeout: float = 120) -> str:
    """The process's output up to and including the first line containing `marker`."""
    assert process.stdout is not None
    seen = []
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        seen.append(line)
        if marker in line or time.monotonic() > deadline:
            break
    text = "".join(seen)
    assert marker in text, text[-3000:]
    return text


READER_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import duckdb

    path = sys.argv[1]
    connection = duckdb.connect(path, read_only=True)

    def state():
        started = time.monotonic()
        run_id, mqls, leads = connection.execute(
            "select (select run_id from ops.build_info), (select count(*) from marts.fct_mqls),"
            " (select count(*) from staging.stg_raw__leads)"
        ).fetchone()
        seconds = time.monotonic() - started
        return {"run_id": run_id, "mqls": mqls, "staged_leads": leads, "seconds": seconds}

    print(json.dumps(state()), flush=True)
    for command in sys.stdin:
        if command.strip() == "reopen":
            connection.close()
            connection = duckdb.connect(path, read_only=True)
        print(json.dumps(state()), flush=True)
    """
)


class Reader:
    """A separate process with one read-only DuckDB connection on the published file."""

    def __init__(self, script: Path, database: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(script), str(database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.first = self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the reader process died"
        return json.loads(line)

    def read(self, command: str = "read") -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def read_once(script: Path, database: Path) -> dict[str, Any]:
    """What a brand-new process with a brand-new connection reads."""
    reader = Reader(script, database)
    reader.close()
    return reader.first


# ---------------------------------------------------------------------------------------------
# The shared scenario
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    """One project copy and one published warehouse location."""

    project: Path
    published: Path
    raw_dir: Path

    @property
    def folder(self) -> Path:
        return self.published.parent

    def build_file(self, run_id: str) -> Path:
        return self.folder / "builds" / run_id / self.published.name

    def record(self, run_id: str) -> dict[str, Any]:
        return json.loads((self.folder / "runs" / f"{run_id}.json").read_text())


@dataclass(frozen=True)
class Finished:
    code: int
    output: str

    @property
    def run_id(self) -> str:
        return run_id_of(self.output)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, raw_data: RawData) -> Home:
    root = tmp_path_factory.mktemp("publish")
    return Home(
        project=copy_project(root / "project"),
        published=root / "warehouse" / "lead_scoring.duckdb",
        raw_dir=raw_data.folder,
    )


@pytest.fixture(scope="module")
def orchestrate(run_orchestrator: RunOrchestrator, home: Home) -> Callable[..., Finished]:
    """Run `lead-scoring` on the shared project on the shared warehouse (and raw data)."""

    def run(*args: str, raw_dir: Path | None = None, project: Path | None = None) -> Finished:
        code, output = run_orchestrator(
            project or home.project,
            *args,
            duckdb_path=home.published,
            raw_dir=raw_dir or home.raw_dir,
        )
        return Finished(code, output)

    return run


@pytest.fixture(scope="module")
def reader_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reader") / "reader.py"
    path.write_text(READER_SCRIPT)
    return path


@pytest.fixture(scope="module")
def first(orchestrate: Callable[..., Finished], home: Home) -> Finished:
    """The first publish, as of 2026-10-01."""
    run = orchestrate("--as-of", FIRST_AS_OF)
    assert run.code == 0, run.output
    return run


@dataclass(frozen=True)
class Killed:
    run_id: str
    returncode: int
    hash_before: str
    hash_after: str
    output: str


@pytest.fixture(scope="module")
def killed(first: Finished, home: Home) -> Killed:
    """A build as of 2026-11-01 killed with SIGKILL while dbt builds tables."""
    before = file_hash(home.published)
    process = start_orchestrator(
        home.project,
        "--as-of",
        SECOND_AS_OF,
        duckdb_path=home.published,
        raw_dir=home.raw_dir,
    )
    try:
        output = read_until(process, BUILD_STARTED)
        run_id = run_id_of(output)
        assert home.build_file(run_id).exists()  # dbt is writing its own file
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return Killed(run_id, process.returncode, before, file_hash(home.published), output)


@dataclass(frozen=True)
class Concurrent:
    winner: Finished
    loser: Finished
    reader_before: dict[str, Any]
    reader_during: dict[str, Any]
    new_reader_during: dict[str, Any]
    winner_running_during_reads: bool
    reader_after: dict[str, Any]
    new_reader_after: dict[str, Any]
    reader_reopened: dict[str, Any]
    loser_seconds: float


@pytest.fixture(scope="module")
def concurrent(killed: Killed, home: Home, reader_script: Path) -> Iterator[Concurrent]:
    """Two runs started at once while a reader holds a read-only connection on the file."""
    reader = Reader(reader_script, home.published)
    started = time.monotonic()
    runs = [
        start_orchestrator(
            home.project,
            "--as-of",
            SECOND_AS_OF,
            duckdb_path=home.published,
            raw_dir=home.raw_dir,
        )
        for _ in range(2)
    ]
    try:
        while all(run.poll() is None for run in runs):
            assert time.monotonic() - started < 60, "neither run finished: no lock?"
            time.sleep(0.05)
        loser_seconds = time.monotonic() - started
        loser = next(run for run in runs if run.poll() is not None)
        winner = next(run for run in runs if run is not loser)
        loser_output = loser.communicate(timeout=30)[0]
        winner_output = read_until(winner, BUILD_STARTED)
        during = reader.read()
        new_during = read_once(reader_script, home.published)
        running = winner.poll() is None
        winner_output += winner.communicate(timeout=RUN_TIMEOUT_SECONDS)[0]
        after = reader.read()
        new_after = read_once(reader_script, home.published)
        reopened = reader.read("reopen")
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
        reader.close()
    yield Concurrent(
        winner=Finished(winner.returncode, winner_output),
        loser=Finished(loser.returncode, loser_output),
        reader_before=reader.first,
        reader_during=during,
        new_reader_during=new_during,
        winner_running_during_reads=running,
        reader_after=after,
        new_reader_after=new_after,
        reader_reopened=reopened,
        loser_seconds=loser_seconds,
    )


@pytest.fixture(scope="module")
def rerun(concurrent: Concurrent, orchestrate: Callable[..., Finished]) -> Finished:
    """The winner's build again: same inputs, same --as-of."""
    assert concurrent.winner.code == 0, concurrent.winner.output
    run = orchestrate("--as-of", SECOND_AS_OF)
    assert run.code == 0, run.output
    return run


# ---------------------------------------------------------------------------------------------
# Build then publish
# ---------------------------------------------------------------------------------------------


def test_first_run_publishes_a_working_warehouse(first: Finished, home: Home) -> None:
    assert "Published: run " + first.run_id in first.output
    assert f"Not compared with the published build: there is none yet ({home.published})." in (
        first.output
    )
    assert first.output.rstrip().endswith("exit 0.")
    assert published_run(home.published) == first.run_id
    # Same file name as the build: the staging views still find their catalog.
    assert query(home.published, "select count(*) from staging.stg_raw__leads")[0][0] > 0
    assert query(home.published, "select count(*) from marts.dim_leads")[0][0] > 0
    assert not Path(str(home.published) + ".wal").exists()
    kept = home.build_file(first.run_id)
    assert kept.is_file() and file_hash(kept) == file_hash(home.published)


def test_sigkill_mid_build_leaves_the_published_warehouse_untouched(
    killed: Killed, first: Finished, home: Home
) -> None:
    assert killed.returncode == -signal.SIGKILL
    assert killed.hash_after == killed.hash_before
    assert published_run(home.published) == first.run_id
    assert query(home.published, "select count(*) from staging.stg_raw__leads")[0][0] > 0
    as_of = query(home.published, "select as_of from ops.build_info")[0][0]
    assert as_of == datetime(2026, 10, 1)
    assert home.build_file(killed.run_id).exists()  # the half-built file is beside it
    holder = json.loads((home.folder / "lead_scoring.duckdb.lock").read_text())
    assert holder["run_id"] == killed.run_id  # the dead run's note is left behind


def test_two_runs_at_once_one_exits_3_and_names_the_holder(concurrent: Concurrent) -> None:
    assert concurrent.loser.code == 3, concurrent.loser.output
    assert concurrent.loser_seconds < 30
    assert "Another run holds the lock" in concurrent.loser.output
    assert f"run {concurrent.winner.run_id} (build, pid " in concurrent.loser.output
    assert "Running with dbt" not in concurrent.loser.output
    assert concurrent.winner.code == 0, concurrent.winner.output


def test_stale_lock_of_a_killed_run_is_recovered(
    concurrent: Concurrent, killed: Killed, home: Home
) -> None:
    assert "Recovered the run lock" in concurrent.winner.output
    assert f"run {killed.run_id} (build" in concurrent.winner.output
    assert home.record(killed.run_id)["outcome"] == "interrupted"
    assert published_run(home.published) != killed.run_id


def test_a_reader_keeps_reading_old_data_and_a_new_connection_sees_the_new(
    concurrent: Concurrent, first: Finished
) -> None:
    before, during, after = (
        concurrent.reader_before,
        concurrent.reader_during,
        concurrent.reader_after,
    )
    assert concurrent.winner_running_during_reads
    for state in (before, during, concurrent.new_reader_during, after):
        assert state["run_id"] == first.run_id
        assert state["mqls"] == before["mqls"] and state["staged_leads"] > 0
    assert max(during["seconds"], concurrent.new_reader_during["seconds"]) < 2  # never blocked
    winner = concurrent.winner.run_id
    assert concurrent.new_reader_after["run_id"] == winner
    assert concurrent.reader_reopened["run_id"] == winner
    assert concurrent.new_reader_after["mqls"] > before["mqls"]  # a month of new MQLs


def test_run_record_and_log(concurrent: Concurrent, first: Finished, home: Home) -> None:
    record = home.record(concurrent.winner.run_id)
    assert record["outcome"] == "published" and record["exit_code"] == 0
    assert record["as_of"] == "2026-11-01 00:00:00" and record["target"] == "duckdb"
    assert record["started_at"] < record["finished_at"]
    assert record["model_counts"]["success"] > 20 and set(record["model_counts"]) == {"success"}
    assert all(model["seconds"] >= 0 and model["status"] == "success" for model in record["models"])
    assert record["test_counts"]["pass"] > 100 and record["test_counts"].get("fail", 0) == 0
    warned = {problem["name"] for problem in record["test_problems"]}
    assert "raw_events_duplicate_key_share" in warned
    assert record["dirty_rows"]["dropped"] > 0
    comparison = record["comparison"]
    assert comparison["compared"] and comparison["run_id"] == first.run_id
    assert comparison["as_of"] == "2026-10-01 00:00:00"
    before, after = concurrent.reader_before["mqls"], concurrent.new_reader_after["mqls"]
    assert comparison["mql_entries"] == {"before": before, "after": after}
    assert comparison["new_mql_entries"] == after - before > 0
    leads = query(home.published, "select count(*) from marts.dim_leads")[0][0]
    assert sum(stage["after"] for stage in comparison["leads_by_stage"].values()) == leads
    meeting = query(home.published, "select count(*) from marts.dim_leads where meets_mql_criteria")
    assert comparison["leads_meeting_mql_criteria"]["after"] == meeting[0][0]
    assert comparison["notes"] == []
    summary = concurrent.winner.output
    assert f"Compared with the published build (run {first.run_id}, as of 2026-10-01" in summary
    assert re.search(rf"MQL entries: +{before} -> +{after} \(\+{after - before}\)", summary)
    assert record["freshness"]["status"] == "skipped"
    log = (home.folder / "runs" / f"{concurrent.winner.run_id}.log").read_text()
    assert "Running with dbt" in log and "run summary" in log
    assert log.rstrip().endswith("exit 0.") and "\x1b[" not in log
    loser = home.record(concurrent.loser.run_id)
    assert loser["outcome"] == "locked_out" and loser["exit_code"] == 3


def test_rerun_with_same_inputs_and_as_of_gives_identical_marts(
    rerun: Finished, concurrent: Concurrent, home: Home
) -> None:
    # spec §4: the same outputs, bit for bit in keys and within 1e-9 relative in scores (both
    # runs are incremental from different cutoffs, so scores may differ in the last bits)
    before = marts_rows(home.build_file(concurrent.winner.run_id))
    again = marts_rows(home.build_file(rerun.run_id))
    assert len(before) >= 10
    assert list(before) == list(again)
    for table, rows in before.items():
        assert len(rows) == len(again[table]), f"marts.{table} differs between the two runs"
        for one, other in zip(rows, again[table], strict=True):
            assert all(same_within_spec(a, b) for a, b in zip(one, other, strict=True)), (
                f"marts.{table} differs between the two runs: {one} against {other}"
            )
    comparison = home.record(rerun.run_id)["comparison"]
    assert comparison["new_mql_entries"] == 0
    changes = [comparison["leads_meeting_mql_criteria"], comparison["mql_entries"]]
    changes += comparison["leads_by_stage"].values()
    assert all(change["before"] == change["after"] for change in changes)
    assert "(no change), 0 of them new" in rerun.output


def test_an_earlier_as_of_writes_its_own_file_and_leaves_the_published_one(
    rerun: Finished, orchestrate: Callable[..., Finished], home: Home
) -> None:
    published_before = file_hash(home.published)
    link = home.folder / ".lead_scoring.duckdb.build"
    link_before = os.readlink(link)
    builds_before = sorted(path.name for path in (home.folder / "builds").iterdir())
    backfill = orchestrate("--as-of", FIRST_AS_OF)
    assert backfill.code == 0, backfill.output[-3000:]
    written = home.folder / "backfills" / "as_of-2026-10-01" / "lead_scoring.duckdb"
    assert f"then write it to {written}." in backfill.output
    assert f"Backfill written: run {backfill.run_id}, as of 2026-10-01 00:00:00, is now " in (
        backfill.output
    )
    assert "Published:" not in backfill.output
    # the published warehouse, its kept builds and the link dbt opens them by are as they were
    assert file_hash(home.published) == published_before
    assert published_run(home.published) == rerun.run_id
    assert os.readlink(link) == link_before
    builds_after = sorted(path.name for path in (home.folder / "builds").iterdir())
    assert builds_after == sorted([*builds_before, backfill.run_id])
    assert query(written, "select run_id, as_of from ops.build_info")[0] == (
        backfill.run_id,
        datetime(2026, 10, 1),
    )
    assert query(written, "select count(*) from staging.stg_raw__leads")[0][0] > 0  # views work
    record = home.record(backfill.run_id)
    assert record["outcome"] == "backfilled" and record["exit_code"] == 0
    assert record["backfill_path"] == str(written) and record["published"] is False
    assert record.get("kept_builds") is None  # it pruned nothing
    # nothing to compare with the first time, and never with the later published build
    assert record["comparison"]["compared"] is False
    assert "Not compared with the previous backfill as of 2026-10-01 00:00:00" in backfill.output
    shown = orchestrate("history")
    assert "backfills (not published): as_of-2026-10-01" in shown.output


def test_replace_published_publishes_an_earlier_as_of_and_says_it_compares_a_later_one(
    rerun: Finished, run_orchestrator: RunOrchestrator, home: Home, tmp_path: Path
) -> None:
    copied = tmp_path / "warehouse" / "lead_scoring.duckdb"
    copied.parent.mkdir()
    shutil.copyfile(home.published, copied)
    code, output = run_orchestrator(
        home.project,
        "--as-of",
        FIRST_AS_OF,
        "--replace-published",
        duckdb_path=copied,
        raw_dir=home.raw_dir,
    )
    assert code == 0, output[-3000:]
    assert query(copied, "select as_of from ops.build_info")[0][0] == datetime(2026, 10, 1)
    assert not (copied.parent / "backfills").exists()
    assert f"Compared with the published build (run {rerun.run_id}, as of 2026-11-01" in output
    assert "(the published build is as of a later date than this build, 2026-10-01" in output


def test_duckdb_15_readers_open_the_published_warehouse(
    first: Finished, rerun: Finished, home: Home
) -> None:
    """A full build (first) and an incremental one, which continues a copy (rerun)."""
    for run in (first, rerun):
        build = home.build_file(run.run_id)
        assert leads_read_by_duckdb_cli(build) == leads(build) > 0
    assert leads_read_by_duckdb_cli(home.published) == leads(home.published)


def in_duckdb_own_format(database: Path, copy: Path) -> Path:
    """A copy of a warehouse file in DuckDB's own storage format, as every file was written
    before profiles.yml named one (no DuckDB older than the one that wrote it opens it)."""
    copy.parent.mkdir(parents=True)
    with duckdb.connect(str(copy)) as connection:
        connection.execute(f"attach '{database}' as original (read_only)")
        connection.execute(f"copy from database original to {copy.stem}")
    return copy


def test_a_warehouse_published_in_duckdb_own_format_is_republished_for_older_readers(
    first: Finished, run_orchestrator: RunOrchestrator, home: Home, tmp_path: Path
) -> None:
    published = in_duckdb_own_format(
        home.build_file(first.run_id), tmp_path / "warehouse" / "lead_scoring.duckdb"
    )
    with pytest.raises(AssertionError, match="we can only read versions"):
        leads_read_by_duckdb_cli(published)
    code, output = run_orchestrator(
        home.project, "--as-of", SECOND_AS_OF, duckdb_path=published, raw_dir=home.raw_dir
    )
    assert code == 0, output[-3000:]
    assert "mode:       incremental" in output  # it continued a copy of that file
    assert leads_read_by_duckdb_cli(published) == leads(published) > 0


# ---------------------------------------------------------------------------------------------
# Rollback and history (they change the published file: after the scenario's readers)
# ---------------------------------------------------------------------------------------------


def test_rollback_republishes_the_previous_then_a_named_build(
    rerun: Finished,
    concurrent: Concurrent,
    first: Finished,
    orchestrate: Callable[..., Finished],
    home: Home,
) -> None:
    assert published_run(home.published) == rerun.run_id
    back = orchestrate("rollback")
    assert back.code == 0, back.output
    assert f"is now run {concurrent.winner.run_id}" in back.output
    assert published_run(home.published) == concurrent.winner.run_id
    assert file_hash(home.published) == file_hash(home.build_file(concurrent.winner.run_id))

    named = orchestrate("rollback", "--to", first.run_id)
    assert named.code == 0, named.output
    assert published_run(home.published) == first.run_id
    assert marts_rows(home.published) == marts_rows(home.build_file(first.run_id))
    assert query(home.published, "select count(*) from staging.stg_raw__leads")[0][0] > 0
    assert leads_read_by_duckdb_cli(home.published) == leads(home.published)

    nothing_older = orchestrate("rollback")
    assert nothing_older.code == 2
    assert "no kept build is older than the published run" in nothing_older.output
    unknown = orchestrate("rollback", "--to", "20000101T000000.000Z-0000")
    assert unknown.code == 2 and "is not a kept build" in unknown.output


def test_history_prints_the_last_runs(
    rerun: Finished,
    concurrent: Concurrent,
    killed: Killed,
    first: Finished,
    orchestrate: Callable[..., Finished],
) -> None:
    shown = orchestrate("history", "-n", "50")
    assert shown.code == 0, shown.output
    lines = shown.output.splitlines()
    header = next(i for i, line in enumerate(lines) if "run id" in line and "outcome" in line)
    lines = lines[header + 2 :]  # the table's rows, newest first
    assert "now:   run " + first.run_id in shown.output  # rolled back to it above
    for run_id, outcome in (
        (first.run_id, "published"),
        (killed.run_id, "interrupted"),
        (concurrent.loser.run_id, "locked_out"),
        (concurrent.winner.run_id, "published"),
        (rerun.run_id, "published"),
    ):
        line = next(line for line in lines if line[1:].split()[0] == run_id)
        assert outcome in line.split(), line
    assert next(line for line in lines if line[1:].split()[0] == first.run_id).startswith("*")
    assert any("rollback" in line and "rolled_back" in line for line in lines)
    latest = orchestrate("history", "-n", "1", "--json")
    records = json.loads(latest.output)
    assert len(records) == 1 and records[0]["command"] in ("build", "rollback")


# ---------------------------------------------------------------------------------------------
# Bad input: a clear message, a non-zero exit, the published file byte for byte the same
# ---------------------------------------------------------------------------------------------


def rewrite_parquet(raw_dir: Path, table: str, select: str) -> None:
    """Replace raw_dir/<table>.parquet with `select` over its current rows (the relation `t`)."""
    path = raw_dir / f"{table}.parquet"
    temporary = raw_dir / f"{table}.tmp.parquet"
    with duckdb.connect() as connection:
        connection.execute(f"create view t as select * from read_parquet('{path}')")
        connection.execute(f"copy ({select}) to '{temporary}' (format parquet)")
    temporary.replace(path)


def missing_file(raw: Path) -> None:
    (raw / "events.parquet").unlink()


def zero_bytes(raw: Path) -> None:
    (raw / "leads.parquet").write_bytes(b"")


def header_only_csv(raw: Path) -> None:
    (raw / "leads.parquet").unlink()
    header = "lead_id,email,created_at,job_title,country,lead_source,account_id\n"
    (raw / "leads.csv").write_text(header)


def missing_column(raw: Path) -> None:
    rewrite_parquet(raw, "accounts", "select * exclude (industry) from t")


def renamed_column(raw: Path) -> None:
    rewrite_parquet(raw, "leads", "select * rename (email as e_mail) from t")


def integer_timestamps(raw: Path) -> None:
    rewrite_parquet(
        raw, "leads", "select * replace (epoch(created_at)::bigint as created_at) from t"
    )


def text_timestamps(raw: Path) -> None:
    rewrite_parquet(raw, "leads", "select * replace ('last tuesday' as created_at) from t")


def unparseable_timestamps(raw: Path) -> None:
    rewrite_parquet(
        raw,
        "events",
        "select * replace (case when hash(event_id) % 5 = 0 then '31/31/2026 25:61'"
        " else occurred_at::varchar end as occurred_at) from t",
    )


def duplicated_keys(raw: Path) -> None:
    rewrite_parquet(raw, "leads", "select * from t union all select * from t")


def parquet_and_csv(raw: Path) -> None:
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_parquet('{raw / 'leads.parquet'}')) "
            f"to '{raw / 'leads.csv'}' (header true)"
        )


def parquet_and_folder(raw: Path) -> None:
    (raw / "events").mkdir()
    shutil.copy(raw / "events.parquet", raw / "events" / "part-00000.parquet")


def csv_and_gzip_csv(raw: Path) -> None:
    with duckdb.connect() as connection:
        for name, options in (("leads.csv", ""), ("leads.csv.gz", ", compression gzip")):
            connection.execute(
                f"copy (select * from read_parquet('{raw / 'leads.parquet'}')) "
                f"to '{raw / name}' (header true{options})"
            )
    (raw / "leads.parquet").unlink()


def ragged_csv_line_3000(raw: Path, quoted_line_break: bool = False) -> None:
    csv_path = raw / "events.csv"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_parquet('{raw / 'events.parquet'}')) "
            f"to '{csv_path}' (header true)"
        )
    (raw / "events.parquet").unlink()
    lines = csv_path.read_text().splitlines(keepends=True)
    if quoted_line_break:  # a value read as one, on two lines of the file: line 3000 moves down
        cells = lines[9].split(",")
        cells[2] = '"page\nview"'
        lines[9] = ",".join(cells)
    cells = lines[2999].split(",")
    cells[2] = "webinar, live"  # event_type, unquoted: one field too many
    lines[2999] = ",".join(cells)
    csv_path.write_text("".join(lines))


def ragged_csv_line_3001_after_a_quoted_line_break(raw: Path) -> None:
    ragged_csv_line_3000(raw, quoted_line_break=True)


def ragged_csv_row(raw: Path) -> None:
    csv_path = raw / "leads.csv"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_parquet('{raw / 'leads.parquet'}')) "
            f"to '{csv_path}' (header true)"
        )
    (raw / "leads.parquet").unlink()
    lines = csv_path.read_text().splitlines(keepends=True)
    cells = lines[10].split(",")
    cells[3] = "VP, Engineering"  # job_title, unquoted: one field too many
    lines[10] = ",".join(cells)
    csv_path.write_text("".join(lines))


def accounts_without_rows(raw: Path) -> None:
    rewrite_parquet(raw, "accounts", "select * from t where false")


def employee_counts_with_separators(raw: Path) -> None:
    rewrite_parquet(
        raw,
        "accounts",
        "select * replace (cast(employee_count as varchar) || ',000' as employee_count) from t",
    )


def won_as_words(raw: Path) -> None:
    rewrite_parquet(
        raw,
        "opportunities",
        "select * replace (case when is_won then 'Won' else 'Open or lost' end as is_won) from t",
    )


def overflowing_numbers(raw: Path) -> None:
    rewrite_parquet(raw, "accounts", "select * replace ('1e309' as annual_revenue) from t")
    rewrite_parquet(raw, "opportunities", "select * replace ('-1e309' as amount) from t")


BAD_INPUTS = [
    pytest.param(
        missing_file,
        2,
        ["Raw file missing for table 'events'", "has none of events.parquet, events.csv,"],
        id="missing",
    ),
    pytest.param(zero_bytes, 2, ["Raw file empty:", "leads.parquet has 0 bytes"], id="0-bytes"),
    pytest.param(
        header_only_csv, 2, ["leads.csv has no data rows, only a header"], id="header-only-csv"
    ),
    pytest.param(
        missing_column,
        2,
        ["Raw table 'accounts' (", "accounts.parquet) lacks column(s): industry"],
        id="no-column",
    ),
    pytest.param(
        renamed_column, 2, ["Raw table 'leads'", "lacks column(s): email", "e_mail"], id="renamed"
    ),
    pytest.param(
        integer_timestamps,
        1,
        ["raw table leads: 300 of 304 rows", "unparseable_created_at, more than the limit of 5%"],
        id="integer-created_at",
    ),
    pytest.param(
        text_timestamps,
        1,
        ["raw table leads: 300 of 304 rows", "unparseable_created_at, more than the limit of 5%"],
        id="text-created_at",
    ),
    pytest.param(
        unparseable_timestamps,
        1,
        ["raw table events:", "are unparseable_occurred_at, more than the limit of 5%"],
        id="unparseable-occurred_at",
    ),
    pytest.param(
        parquet_and_csv,
        2,
        ["More than one raw file for table 'leads'", "leads.parquet and", "leads.csv"],
        id="parquet-and-csv",
    ),
    pytest.param(
        parquet_and_folder,
        2,
        ["More than one raw file for table 'events'", "events.parquet and", "events/*.parquet"],
        id="parquet-and-folder",
    ),
    pytest.param(
        csv_and_gzip_csv,
        2,
        ["More than one raw file for table 'leads'", "leads.csv and", "leads.csv.gz"],
        id="csv-and-gzip-csv",
    ),
    pytest.param(
        ragged_csv_row,
        2,
        ["leads.csv, line 11: more fields than the header", "quote it in the export"],
        id="ragged-csv-row",
    ),
    pytest.param(
        ragged_csv_line_3000,
        2,
        ["events.csv, line 3000: more fields than the header", "quote it in the export"],
        id="ragged-csv-line-3000",
    ),
    pytest.param(
        ragged_csv_line_3001_after_a_quoted_line_break,
        2,
        ["events.csv, line 3001: more fields than the header"],
        id="ragged-csv-line-after-a-quoted-line-break",
    ),
    pytest.param(
        accounts_without_rows,
        1,
        ["are unknown_account, more than the limit of 5%", "accounts export looks missing"],
        id="accounts-without-rows",
    ),
    pytest.param(
        employee_counts_with_separators,
        1,
        ["raw table accounts:", "are unparseable_employee_count, more than the limit of 5%"],
        id="employee_count-text",
    ),
    pytest.param(
        won_as_words,
        1,
        ["raw table opportunities:", "are unparseable_is_won, more than the limit of 5%"],
        id="is_won-words",
    ),
    pytest.param(
        overflowing_numbers,
        1,
        [
            "raw table accounts:",
            "are unparseable_annual_revenue, more than the limit of 5%",
            "raw table opportunities:",
            "are unparseable_amount, more than the limit of 5%",
        ],
        id="overflowing-numbers",
    ),
    pytest.param(
        duplicated_keys,
        1,
        ["raw table leads: 308 of 608 rows", "are duplicate_key, more than the limit of 5%"],
        id="duplicated-leads",
    ),
]


@pytest.mark.parametrize(("spoil", "code", "messages"), BAD_INPUTS)
def test_bad_raw_input_fails_clearly_and_publishes_nothing(
    first: Finished,
    orchestrate: Callable[..., Finished],
    home: Home,
    tmp_path: Path,
    spoil: Callable[[Path], None],
    code: int,
    messages: list[str],
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(home.raw_dir, raw)
    spoil(raw)
    before = file_hash(home.published)
    run = orchestrate("--as-of", SECOND_AS_OF, raw_dir=raw)
    assert run.code == code, run.output
    for message in messages:
        assert message in run.output, run.output[-4000:]
    assert "is unchanged" in run.output
    assert "Traceback" not in run.output
    assert "Possible fixes" not in run.output  # a reader's advice on options nobody can pass
    assert file_hash(home.published) == before
    assert home.record(run.run_id)["outcome"] == ("not_run" if code == 2 else "failed")


def test_bad_seed_edit_fails_clearly_and_publishes_nothing(
    first: Finished, orchestrate: Callable[..., Finished], home: Home, tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / "fit_rules.csv"
    header, first_rule, *rest = seed.read_text().splitlines(keepends=True)
    columns = header.strip().split(",")
    cells = first_rule.rstrip("\n").split(",")
    cells[columns.index("operator")] = "equalz"
    seed.write_text("".join([header, ",".join(cells) + "\n", *rest]))
    before = file_hash(home.published)
    run = orchestrate("--as-of", SECOND_AS_OF, project=project)
    assert run.code == 1, run.output
    assert "seeds/fit_rules.csv" in run.output and "operator 'equalz' is unknown" in run.output
    assert file_hash(home.published) == before


def test_freshness_error_fails_before_building(
    first: Finished, orchestrate: Callable[..., Finished], home: Home, tmp_path: Path
) -> None:
    stale = tmp_path / "stale"
    generate(
        out_dir=stale,
        leads=120,
        events_per_lead=5.0,
        seed=3,
        end_date=datetime.now(UTC).date() - timedelta(days=40),
        days=200,
        fmt="parquet",
        dirt=False,
    )
    before = file_hash(home.published)
    run = orchestrate(raw_dir=stale)  # no --as-of: a scheduled run, freshness is checked
    assert run.code == 1, run.output
    assert "raw.leads: error: newest row" in run.output
    assert "error after 14 days" in run.output
    verdict = next(line for line in run.output.splitlines() if line.startswith("Result:"))
    assert (
        verdict.startswith("Result: FAILED, exit 1: source freshness error:")
        and "raw.leads" in verdict
    )
    assert "START sql" not in run.output  # nothing was built
    assert file_hash(home.published) == before
    record = home.record(run.run_id)
    assert record["freshness"]["status"] == "error"


# ---------------------------------------------------------------------------------------------
# --hash-pii on fresh data (freshness is checked and passes)
# ---------------------------------------------------------------------------------------------


def test_hash_pii_publishes_marts_with_hashed_emails_only(
    run_orchestrator: RunOrchestrator, home: Home, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh"
    generate(
        out_dir=fresh,
        leads=300,
        events_per_lead=8.0,
        seed=11,
        end_date=datetime.now(UTC).date(),
        days=365,
        fmt="parquet",
        dirt=True,
    )
    published = tmp_path / "pii" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        home.project, "--hash-pii", duckdb_path=published, raw_dir=fresh
    )
    assert code == 0, output
    assert "freshness:  " in output and "error" not in output.split("freshness:  ")[1][:40]
    assert "PII: emails are sha256 hashes" in output
    schemas = {row[0] for row in query(published, "select schema_name from duckdb_tables()")}
    assert schemas == {"marts", "ops"}
    assert query(published, "select count(*) from duckdb_views() where not internal")[0][0] == 0
    for table in ("dim_leads", "rpt_mql_handoff", "rpt_nurture_audience"):
        emails = [row[0] for row in query(published, f"select email from marts.{table}")]
        assert emails and all(e is None or SHA256_HEX.fullmatch(e) for e in emails)
    with duckdb.connect() as connection:
        raw = connection.execute(
            f"select lead_id, lower(trim(email)) from read_parquet('{fresh / 'leads.parquet'}')"
            " where email like '%@%' qualify count(*) over (partition by trim(lead_id)) = 1"
            " order by lead_id limit 20"
        ).fetchall()
    hashed = dict(query(published, "select lead_id, email from marts.dim_leads"))
    checked = [
        (lead, email) for lead, email in raw if lead.strip() in hashed and hashed[lead.strip()]
    ]
    assert checked
    for lead, email in checked:
        assert hashed[lead.strip()] == hashlib.sha256(email.encode()).hexdigest()
    assert query(published, "select hash_pii from ops.build_info")[0][0] is True
    assert leads_read_by_duckdb_cli(published) == leads(published)  # the marts-only file
    # a run without --hash-pii would publish the emails to the same audience: refused
    before = file_hash(published)
    code, output = run_orchestrator(home.project, duckdb_path=published, raw_dir=fresh)
    assert code == 2, output[-3000:]
    assert "was published with --hash-pii" in output and "Pass --hash-pii" in output
    assert file_hash(published) == before


def raw_emails(raw_dir: Path) -> list[bytes]:
    """The raw leads' email addresses, lower-cased and trimmed (staging's form of them)."""
    with duckdb.connect() as connection:
        rows = connection.execute(
            "select distinct lower(trim(email))"
            f" from read_parquet('{raw_dir / 'leads.parquet'}') where email like '%@%'"
        ).fetchall()
    return [row[0].encode() for row in rows]


def test_a_failed_hash_pii_run_leaves_no_email_in_its_folder(
    run_orchestrator: RunOrchestrator, home: Home, tmp_path: Path
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(home.raw_dir, raw)
    duplicated_keys(raw)  # the leads' duplicate-key share test fails, after staging
    published = tmp_path / "pii" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        home.project, "--hash-pii", "--as-of", SECOND_AS_OF, duckdb_path=published, raw_dir=raw
    )
    assert code == 1, output[-3000:]
    assert "are duplicate_key, more than the limit" in output
    build = published.parent / "builds" / run_id_of(output) / published.name
    staged = [row[0] for row in query(build, "select email from staging.stg_raw__leads")]
    assert staged and all(e is None or SHA256_HEX.fullmatch(e) for e in staged)  # kept, hashed
    emails = raw_emails(raw)
    assert len(emails) > 100
    files = [path for path in published.parent.rglob("*") if path.is_file()]
    assert {"lead_scoring.duckdb", "dbt.log", f"{run_id_of(output)}.log"} <= {
        path.name for path in files
    }
    for path in files:
        content = path.read_bytes().lower()
        found = [email.decode() for email in emails if email in content]
        assert not found, f"{path} holds {len(found)} email(s) in clear, e.g. {found[0]}"


def test_a_select_build_needs_a_published_warehouse_and_keeps_its_as_of(
    first: Finished, run_orchestrator: RunOrchestrator, home: Home, tmp_path: Path
) -> None:
    nothing = tmp_path / "nothing" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        home.project, "--select", "+dim_leads", duckdb_path=nothing, raw_dir=home.raw_dir
    )
    assert code == 2, output
    assert "there is none yet" in output and "run a full build first" in output
    assert not nothing.exists()
    copied = tmp_path / "copy" / "lead_scoring.duckdb"
    copied.parent.mkdir()
    shutil.copyfile(home.published, copied)
    as_of = query(copied, "select as_of from ops.build_info")[0][0]
    code, output = run_orchestrator(
        home.project, "--select", "+dim_leads", duckdb_path=copied, raw_dir=home.raw_dir
    )
    assert code == 0, output[-3000:]
    shown = as_of.isoformat(sep=" ", timespec="microseconds")
    assert f"A --select build keeps the published as_of, {shown}" in output
    assert query(copied, "select as_of, selection from ops.build_info")[0] == (as_of, "+dim_leads")


def test_a_select_build_at_an_as_of_other_than_the_published_one_is_refused(
    first: Finished, run_orchestrator: RunOrchestrator, home: Home, tmp_path: Path
) -> None:
    """It would rebuild the tables it selects as of one date on a copy of the others as of
    another: the relationships between them would not hold (a lead of one missing in the
    other), and the file would claim one as_of for both."""
    copied = tmp_path / "warehouse" / "lead_scoring.duckdb"
    copied.parent.mkdir()
    shutil.copyfile(home.published, copied)
    before = file_hash(copied)
    published_as_of = query(copied, "select as_of from ops.build_info")[0][0]
    for as_of, advice in (
        (published_as_of - timedelta(days=30), "run the backfill without --select"),
        (published_as_of + timedelta(days=1), "run it without --select"),
    ):
        given = as_of.isoformat(sep=" ")
        code, output = run_orchestrator(
            home.project,
            "--as-of",
            given,
            "--select",
            "dim_leads",
            duckdb_path=copied,
            raw_dir=home.raw_dir,
        )
        assert code == 2, output[-3000:]
        said = [line for line in output.splitlines() if "would mix" in line]
        assert len(said) == 1, output[-3000:]
        assert f"as of {given}" in said[0] and f"as of {published_as_of}" in said[0]
        assert advice in said[0]
        assert "START sql" not in output and "Traceback" not in output
        assert file_hash(copied) == before
        assert not (copied.parent / "backfills").exists()
    code, output = run_orchestrator(
        home.project,
        "--as-of",
        published_as_of.isoformat(),
        "--select",
        "dim_leads",
        duckdb_path=copied,
        raw_dir=home.raw_dir,
    )
    assert code == 0, output[-3000:]  # a repair at the published as_of
    assert query(copied, "select as_of from ops.build_info")[0][0] == published_as_of


def test_ctrl_c_ends_the_run_interrupted_with_130_and_publishes_nothing(
    first: Finished, home: Home, tmp_path: Path
) -> None:
    copied = tmp_path / "warehouse" / "lead_scoring.duckdb"
    copied.parent.mkdir()
    shutil.copyfile(home.published, copied)
    before = file_hash(copied)
    process = start_orchestrator(
        home.project,
        "--full-refresh",
        "--as-of",
        SECOND_AS_OF,
        duckdb_path=copied,
        raw_dir=home.raw_dir,
    )
    try:
        output = read_until(process, BUILD_STARTED)
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output += rest
    assert process.returncode == 130, output[-3000:]
    assert "Interrupted (Ctrl-C)" in output and "dbt could not run" not in output
    record = json.loads((copied.parent / "runs" / f"{run_id_of(output)}.json").read_text())
    assert record["outcome"] == "interrupted"
    assert file_hash(copied) == before


def made_read_only(folder: Path) -> bool:
    """Make the folder and everything in it immutable (chattr +i), which stops even root's
    writes, to open files too; False when it cannot here (no chattr, not root, a file system
    without it)."""
    if shutil.which("chattr") is None:
        return False
    subprocess.run(["chattr", "-R", "+i", str(folder)], capture_output=True, check=False)
    probe = folder / "probe"
    try:
        probe.touch()
    except PermissionError:
        return True
    probe.unlink()
    return False


def test_a_warehouse_folder_made_read_only_mid_run_ends_with_exit_2_and_one_line(
    home: Home, tmp_path: Path
) -> None:
    published = tmp_path / "warehouse" / "lead_scoring.duckdb"
    process = start_orchestrator(
        home.project, "--as-of", SECOND_AS_OF, duckdb_path=published, raw_dir=home.raw_dir
    )
    try:
        output = read_until(process, BUILD_STARTED)  # the run holds the lock and builds
        if not made_read_only(published.parent):
            pytest.skip("chattr +i cannot make a folder read-only here (root, ext4 or xfs)")
        output += process.communicate(timeout=RUN_TIMEOUT_SECONDS)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        subprocess.run(["chattr", "-R", "-i", str(tmp_path)], capture_output=True, check=False)
    assert process.returncode == 2, output[-3000:]
    verdict = "Result: dbt could not run, exit 2."
    assert [line for line in output.splitlines() if line.startswith("Result:")] == [verdict]
    assert output.rstrip().endswith(verdict), output[-3000:]
    assert f"warehouse folder {published.parent} could not be written during the run" in output
    for noise in ("Traceback", "--- Logging error ---", "lost sys.stderr"):
        assert noise not in output, output[-3000:]
    assert not published.exists()


FILL_THE_DISK_BEFORE_PUBLISHING = textwrap.dedent(
    """
    # `lead-scoring` on a disk that fills up (argv[1] takes the free space) as the build it has
    # built and tested is to be published
    import sys
    from pathlib import Path

    from lead_scoring import build_publishing, cli

    stamp = build_publishing.stamp

    def fill_the_disk_then_stamp(build):
        with Path(sys.argv[1]).open("wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(bytes(65536))
            except OSError:
                pass
        stamp(build)

    build_publishing.stamp = fill_the_disk_then_stamp
    sys.exit(cli.main(sys.argv[2:]))
    """
)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MiB file system of its own (tmpfs), to fill up; skipped where it cannot be mounted."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True, check=False)


def test_a_disk_that_fills_up_while_publishing_ends_the_run_with_exit_2_and_one_line(
    first: Finished, home: Home, small_disk: Path, tmp_path: Path
) -> None:
    published = small_disk / "warehouse" / "lead_scoring.duckdb"
    published.parent.mkdir()
    shutil.copyfile(home.published, published)
    before = file_hash(published)
    script = tmp_path / "fill_the_disk.py"
    script.write_text(FILL_THE_DISK_BEFORE_PUBLISHING)
    completed = subprocess.run(
        [sys.executable, str(script), str(small_disk / "filler"), "run", "--as-of", SECOND_AS_OF],
        cwd=home.project,
        env={**orchestrator_env(published, home.raw_dir), PROJECT_DIR_ENV: str(home.project)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    output = completed.stdout
    assert completed.returncode == 2, output[-3000:]
    run_id = run_id_of(output)
    build_file = published.parent / "builds" / run_id / published.name
    said = [line for line in output.splitlines() if "could not be written" in line]
    assert said == [
        f"The warehouse folder {published.parent} could not be written during the run "
        f"(publishing the build {build_file}: No space left on device), so the run stopped, "
        "and deleted its build's database files to give their space back (its dbt.log stays). "
        f"The published warehouse {published} is run {first.run_id}. Free space on its disk, "
        "then rerun."
    ], output[-3000:]
    for noise in ("NOT PUBLISHED", "Could not write the run record", "Traceback"):
        assert noise not in output, output[-3000:]
    verdict = "Result: dbt could not run, exit 2."
    assert [line for line in output.splitlines() if line.startswith("Result:")] == [verdict]
    assert output.rstrip().endswith(verdict)
    assert file_hash(published) == before
    assert [path.name for path in build_file.parent.iterdir()] == ["dbt.log"]
    record = json.loads((published.parent / "runs" / f"{run_id}.json").read_text())
    assert (record["outcome"], record["exit_code"]) == ("not_run", 2)
