"""The pieces of build-then-publish without dbt: the run lock, atomic publishing, retention,
rollback choice, run records and history (publishing.py, lock.py, run_records.py)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest
from conftest import PROJECT_DIR, build_options, read_with_duckdb_cli
from readable_output import nested_brackets

from lead_scoring import (
    build,
    build_comparison,
    cli,
    dbt_session,
    history,
    incremental,
    lock,
    publishing,
    rollback,
    run_log,
    storage_format,
    summary,
)
from lead_scoring import run_records as records
from lead_scoring.locations import resolve_locations
from lead_scoring.run_progress import RunProgress
from lead_scoring.run_state import RunState


def holder(run_id: str) -> dict[str, object]:
    return {"run_id": run_id, "command": "build", "pid": os.getpid(), "started_at": "now"}


def test_second_lock_is_refused_and_names_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb.lock"
    first = lock.RunLock(path)
    assert first.acquire(holder("A")) is None
    with pytest.raises(lock.LockHeld) as refused:
        lock.RunLock(path).acquire(holder("B"))
    assert refused.value.holder["run_id"] == "A"
    assert refused.value.describe().startswith("run A (build, pid ")
    first.release()
    assert path.read_text() == ""  # a clean release leaves no note
    again = lock.RunLock(path)
    assert again.acquire(holder("B")) is None
    again.release()


def test_lock_of_a_killed_process_is_free_and_its_note_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb.lock"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from pathlib import Path
                from lead_scoring.lock import RunLock
                RunLock(Path({str(path)!r})).acquire(
                    {{"run_id": "killed", "pid": 1, "command": "build"}}
                )
                print("locked", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    with pytest.raises(lock.LockHeld):
        lock.RunLock(path).acquire(holder("B"))
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    run_lock = lock.RunLock(path)
    left_behind = run_lock.acquire(holder("B"))
    assert left_behind is not None and left_behind["run_id"] == "killed"
    assert json.loads(path.read_text())["run_id"] == "B"
    run_lock.release()


def test_refusal_waits_for_the_new_holder_note_over_a_dead_runs(tmp_path: Path) -> None:
    """Between taking the lock and writing its note, a run leaves a dead run's note in the file."""
    path = tmp_path / "w.duckdb.lock"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(timeout=30)
    dead_note = {"run_id": "dead", "command": "build", "pid": gone.pid, "host": os.uname().nodename}
    path.write_text(json.dumps(dead_note) + "\n")
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import fcntl, json, os, sys, time
                fd = os.open({str(path)!r}, os.O_RDWR)
                fcntl.flock(fd, fcntl.LOCK_EX)
                print("locked", flush=True)
                time.sleep(0.5)
                note = json.dumps({{"run_id": "live", "command": "build", "pid": os.getpid(),
                                    "host": os.uname().nodename}}) + "\\n"
                os.pwrite(fd, note.encode(), 0)
                os.ftruncate(fd, len(note))
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with pytest.raises(lock.LockHeld) as refused:
            lock.RunLock(path).acquire(holder("B"))
        assert refused.value.holder["run_id"] == "live"
    finally:
        child.kill()
        child.wait(timeout=10)


def make_database(path: Path, run_id: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema ops")
        connection.execute(f"create table ops.build_info as select '{run_id}' as run_id")
    return path


def test_publish_replaces_atomically_and_refuses_a_published_wal(tmp_path: Path) -> None:
    published = make_database(tmp_path / "w" / "lead_scoring.duckdb", "old")
    build = make_database(tmp_path / "w" / "builds" / "new" / "lead_scoring.duckdb", "new")
    with duckdb.connect(str(published), read_only=True) as reader:
        publishing.publish_file(build, published, "new")
        # the open connection still reads the file it opened
        assert reader.execute("select run_id from ops.build_info").fetchone() == ("old",)
    assert publishing.read_build_info(published) == {"run_id": "new"}
    assert build.is_file()  # kept for rollback
    assert published.samefile(build)  # a hard link: no copy of a multi-GB file
    assert not list(published.parent.glob("*.publishing"))
    (published.parent / "lead_scoring.duckdb.wal").write_bytes(b"x")
    before = published.read_bytes()
    with pytest.raises(publishing.PublishError, match="write-ahead log"):
        publishing.publish_file(build, published, "again")
    assert published.read_bytes() == before


def test_publish_copies_where_the_file_system_has_no_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = make_database(tmp_path / "w" / "lead_scoring.duckdb", "old")
    build = make_database(tmp_path / "w" / "builds" / "new" / "lead_scoring.duckdb", "new")

    def no_link(source: object, target: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(publishing.os, "link", no_link)
    publishing.publish_file(build, published, "new")
    assert publishing.read_build_info(published) == {"run_id": "new"}
    assert not published.samefile(build)
    assert published.read_bytes() == build.read_bytes()
    assert not list(published.parent.glob("*.publishing"))


def test_a_file_in_duckdb_own_format_is_rewritten_for_older_readers(tmp_path: Path) -> None:
    storage = storage_format
    database = tmp_path / "lead_scoring.duckdb"
    with duckdb.connect(str(database)) as connection:  # DuckDB's own, newest format
        connection.execute("create schema marts")
        connection.execute("create table marts.dim_leads as select range as x from range(5)")
        connection.execute(
            "create view marts.total as select sum(x) as total from lead_scoring.marts.dim_leads"
        )
    own_format = storage.oldest_reader(database)
    assert own_format != "v1.4.0"
    with pytest.raises(AssertionError, match="we can only read versions"):
        read_with_duckdb_cli(database, "select 1")
    assert storage.rewrite_for_readers(database, "v1.4.0") == own_format
    assert storage.oldest_reader(database) == "v1.4.0"
    assert read_with_duckdb_cli(database, "select total from marts.total") == "10"
    assert storage.rewrite_for_readers(database, "v1.4.0") is None  # already readable
    assert storage.rewrite_for_readers(database, None) is None
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lead_scoring.duckdb"]


def test_rollback_to_a_build_in_duckdb_own_format_publishes_it_for_older_readers(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Builds kept from before profiles.yml named a storage format are in DuckDB's own."""
    published = tmp_path / "lead_scoring.duckdb"
    layout = publishing.Layout(published)
    older, newer = "20261101T000000.000Z-aaaa", "20261102T000000.000Z-bbbb"
    for run_id in (older, newer):
        make_database(layout.build_file(run_id), run_id)
        record = records.RunRecord.start(
            layout.runs, run_id, "build", published_path=str(published)
        )
        record.finish("published", 0)
    os.link(layout.build_file(newer), published)
    assert cli.main(["rollback", "--duckdb-path", str(published)]) == 0
    output = capsys.readouterr().out
    assert f"The kept build of run {older} was in DuckDB's storage format v" in output
    assert "rewritten in v1.4.0, which DuckDB v1.4.0 and newer open" in output
    assert read_with_duckdb_cli(published, "select run_id from ops.build_info") == older
    assert published.samefile(layout.build_file(older))


TWO_DUCKDB_TARGETS = """
lead_scoring:
  target: scratch
  outputs:
    scratch:
      type: duckdb
      path: scratch.duckdb
      config_options:
        storage_compatibility_version: latest
    bi:
      type: duckdb
      path: bi.duckdb
      config_options:
        storage_compatibility_version: v1.4.0
"""


def test_rollback_publishes_a_build_in_the_storage_format_of_its_own_target(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Rollback takes no --target: the kept build says which target it was built for
    (ops.build_info.target), and that target's readers must open it, whatever the default."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: lead_scoring\n")
    (project / "profiles.yml").write_text(TWO_DUCKDB_TARGETS)
    published = tmp_path / "warehouse" / "lead_scoring.duckdb"
    layout = publishing.Layout(published)
    older, newer = "20261101T000000.000Z-aaaa", "20261102T000000.000Z-bbbb"
    for run_id in (older, newer):
        kept = layout.build_file(run_id)
        kept.parent.mkdir(parents=True)
        with duckdb.connect(str(kept)) as connection:  # DuckDB's own storage format
            connection.execute("create schema ops")
            connection.execute(
                f"create table ops.build_info as select '{run_id}' as run_id, 'bi' as target"
            )
        records.RunRecord.start(layout.runs, run_id, "build", published_path=str(published)).finish(
            "published", 0
        )
    os.link(layout.build_file(newer), published)
    command = ["rollback", "--duckdb-path", str(published), "--project-dir", str(project)]
    assert cli.main(command) == 0
    assert "rewritten in v1.4.0" in capsys.readouterr().out
    assert read_with_duckdb_cli(published, "select run_id from ops.build_info") == older


def test_prune_keeps_the_newest_successful_and_a_few_failed_builds(tmp_path: Path) -> None:
    layout = publishing.Layout(tmp_path / "lead_scoring.duckdb")
    good = [f"2026010{day}T000000.000Z-0000" for day in range(1, 8)]
    bad = [f"2026020{day}T000000.000Z-0000" for day in range(1, 6)]
    for run_id in good + bad:
        layout.build_dir(run_id).mkdir(parents=True)
    deleted = publishing.prune_builds(layout, set(good), keep=3, protected={good[0]})
    remaining = publishing.build_run_ids(layout)
    assert remaining == [good[0], *good[-3:], *bad[-publishing.KEEP_FAILED_BUILDS :]]
    assert sorted(deleted) == sorted(set(good[1:-3]) | set(bad[: -publishing.KEEP_FAILED_BUILDS]))


def test_dbt_opens_every_build_at_one_path_through_a_link(tmp_path: Path) -> None:
    layout = publishing.Layout(tmp_path / "lead_scoring.duckdb")
    paths = []
    for run_id in ("20260101T000000.000Z-0000", "20260102T000000.000Z-0000"):
        layout.build_dir(run_id).mkdir(parents=True)
        path = publishing.point_current_build_link(layout, run_id)
        with duckdb.connect(str(path)) as connection:
            connection.execute(f"create table t as select '{run_id}' as run_id")
        assert layout.build_file(run_id).is_file()  # the file is in the run's own folder
        paths.append(path)
    assert paths[0] == paths[1] == layout.current_build_link / "lead_scoring.duckdb"
    with duckdb.connect(str(layout.build_file("20260101T000000.000Z-0000"))) as connection:
        assert connection.execute("select run_id from t").fetchall() == [
            ("20260101T000000.000Z-0000",)
        ]
    assert publishing.build_run_ids(layout) == [
        "20260101T000000.000Z-0000",
        "20260102T000000.000Z-0000",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        ".lead_scoring.duckdb.build",
        "builds",
    ]
    # a new link a killed run left before renaming it goes with the next run's cleanup
    leftover = tmp_path / ".lead_scoring.duckdb.build.20260103T000000.000Z-0000.tmp"
    os.symlink("builds/20260101T000000.000Z-0000", leftover, target_is_directory=True)
    assert publishing.remove_leftover_temporaries(layout) == [leftover]
    assert not leftover.is_symlink() and layout.build_file("20260101T000000.000Z-0000").is_file()


def test_without_a_link_dbt_opens_the_build_file_itself(tmp_path: Path) -> None:
    layout = publishing.Layout(tmp_path / "lead_scoring.duckdb")
    layout.build_dir("r1").mkdir(parents=True)
    (layout.current_build_link / "something").mkdir(parents=True)  # not a link: left alone
    assert publishing.point_current_build_link(layout, "r1") == layout.build_file("r1")
    assert (layout.current_build_link / "something").is_dir()
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == []


def test_rollback_choice() -> None:
    kept = ["a1", "b2", "c3"]
    assert rollback.choose_rollback(kept, "c3", None) == ("b2", "")
    assert rollback.choose_rollback(kept, "b2", None) == ("a1", "")
    assert rollback.choose_rollback(kept, None, None) == ("c3", "")
    assert rollback.choose_rollback(kept, "c3", "a1") == ("a1", "")
    chosen, why = rollback.choose_rollback(kept, "a1", None)
    assert chosen is None and "no kept build is older" in why
    chosen, why = rollback.choose_rollback(kept, "c3", "zz")
    assert chosen is None and "not a kept build" in why


def test_records_mark_dead_runs_interrupted_and_history_lists_them(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    done = records.RunRecord.start(runs, "20260101T000000.000Z-aaaa", "build", as_of="2026-01-01")
    done.update(model_counts={"success": 33}, data_test_counts={"pass": 10, "warn": 2})
    done.update(dirty_rows={"dropped": 7}, new_mqls={"count": 4})
    done.finish("published", 0)
    dead = records.RunRecord.start(runs, "20260102T000000.000Z-bbbb", "build")
    dead.data["pid"] = 2**22 + 12345  # no such process
    dead.save()
    assert [r["outcome"] for r in records.load_records(runs)] == ["published", "interrupted"]
    assert records.mark_interrupted(runs, "20260103T000000.000Z-cccc") == [dead.data["run_id"]]
    assert json.loads(dead.path.read_text())["outcome"] == "interrupted"
    assert records.successful_builds(runs) == {done.data["run_id"]}
    lines = history.history_lines(records.load_records(runs), 10, done.data["run_id"])
    assert "interrupted" in lines[2] and lines[3].startswith("*")
    assert "33/0/0" in lines[3] and "10/2/0" in lines[3] and lines[3].split()[-2:] == ["7", "4"]
    assert json.loads(done.path.read_text())["message"] is None  # always there; null when fine
    # a test that errored counts as failed; a record that cannot be written is one line
    failed = records.RunRecord.start(runs, "20260104T000000.000Z-dddd", "build")
    failed.update(data_test_counts={"pass": 9, "error": 1})
    failed.finish("failed", 1, "1 test errored")
    newest = history.history_lines(records.load_records(runs), 1, None)[2]
    assert "9/0/1" in newest and json.loads(failed.path.read_text())["message"] == "1 test errored"


def dbt_test_result(kind: str, name: str, status: str) -> SimpleNamespace:
    """One data test's or unit test's result of `dbt build`, as the run record reads it."""
    node = SimpleNamespace(resource_type=kind, name=name, original_file_path="models/x.yml")
    return SimpleNamespace(
        node=node, status=status, message="", failures=0, timing=[], execution_time=0.1
    )


def test_history_counts_data_tests_and_unit_tests_apart(tmp_path: Path) -> None:
    """A run that leaves the unit tests out (they passed on its code) has as many data tests as
    one that ran them: history shows the two kinds in columns of their own, for old records too."""
    runs = tmp_path / "runs"
    full = records.RunRecord.start(runs, "20260101T000000.000Z-aaaa", "build", unit_tests="run")
    results = [
        dbt_test_result("test", "a_key_test", "pass"),
        dbt_test_result("test", "a_dirt_test", "warn"),
        dbt_test_result("unit_test", "a_unit_test", "pass"),
        dbt_test_result("unit_test", "another_unit_test", "fail"),
    ]
    full.update(**records.node_records(SimpleNamespace(results=results)))
    assert full.data["data_test_counts"] == {"pass": 1, "warn": 1}
    assert full.data["unit_test_counts"] == {"pass": 1, "fail": 1}
    assert full.data["test_counts"] == {"pass": 2, "warn": 1, "fail": 1}
    full.finish("failed", 1)
    daily = records.RunRecord.start(
        runs, "20260102T000000.000Z-bbbb", "build", unit_tests="left out"
    )
    daily.update(**records.node_records(SimpleNamespace(results=results[:2])))
    daily.finish("published", 0)
    # a record written before the two kinds were counted apart: both in test_counts, and nodes
    old = records.RunRecord.start(runs, "20260103T000000.000Z-cccc", "build")
    old.update(
        test_counts={"pass": 3},
        nodes=[
            {"kind": "test", "name": "a_key_test", "status": "pass"},
            {"kind": "unit_test", "name": "a_unit_test", "status": "pass"},
            {"kind": "unit_test", "name": "another_unit_test", "status": "pass"},
        ],
    )
    old.finish("published", 0)
    lines = history.history_lines(records.load_records(runs), 10, None)
    header = lines[0]
    data_column = header.index("data tests pass/warn/fail")
    unit_column = header.index("unit tests pass/fail")
    assert data_column < unit_column

    dropped_column = header.index("dropped")

    def cells(line: str) -> tuple[str, str]:
        return line[data_column:unit_column].strip(), line[unit_column:dropped_column].strip()

    assert [cells(line) for line in lines[2:]] == [
        ("1/0/0", "2/0"),
        ("1/1/0", "left out"),
        ("1/1/0", "1/1"),
    ]
    assert not nested_brackets("\n".join(lines))


def test_a_record_that_cannot_be_written_is_reported_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    blocked = tmp_path / "runs"
    blocked.write_text("a file where the runs folder should be")
    record = records.RunRecord.start(blocked, "20260101T000000.000Z-aaaa", "build")
    record.finish("failed", 1, "no space")
    error = capsys.readouterr().err
    assert error.count("Could not write the run record") == 2 and "Traceback" not in error


def test_run_ids_sort_by_time() -> None:
    first = records.new_run_id()
    time.sleep(0.002)
    assert first < records.new_run_id()


def test_target_adapter_type_reads_profiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEAD_SCORING_TARGET", raising=False)
    assert dbt_session.target_adapter_type(None) == "duckdb"
    assert dbt_session.target_adapter_type("no_such_target") is None
    monkeypatch.setenv("LEAD_SCORING_TARGET", "duckdb")
    assert dbt_session.target_adapter_type(None) == "duckdb"


def test_subcommands_parse() -> None:
    assert cli.parse_command_line([])[0] == "run"
    name, args = cli.parse_command_line(["build", "--as-of", "2026-11-01"])
    assert (name, args.as_of) == ("run", "2026-11-01 00:00:00")
    assert cli.parse_command_line(["run", "--verbose"])[1].verbose
    assert cli.parse_command_line(["rollback", "--to", "X"])[1].to == "X"
    assert cli.parse_command_line(["history", "-n", "3"])[1].n == 3
    options = build_options(["--hash-pii", "--max-dirty-row-share", "0.2"])
    variables = dbt_session.dbt_vars(options)
    assert variables == {"hash_pii": True, "max_dirty_row_share": 0.2}


def test_a_warehouse_folder_that_cannot_be_written_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def refuse(self: object, holder: dict[str, object]) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(lock.RunLock, "acquire", refuse)
    published = tmp_path / "warehouse" / "lead_scoring.duckdb"
    for command in ([], ["rollback"]):
        (published.parent / "builds").mkdir(parents=True, exist_ok=True)
        assert cli.main([*command, "--duckdb-path", str(published)]) == 2
        error = capsys.readouterr().err
        assert f"Could not take the run lock {published}.lock: Permission denied" in error
        assert "must be writable" in error and "Traceback" not in error


def test_a_second_warehouse_in_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    first = tmp_path / "lead_scoring.duckdb"
    runs = tmp_path / "runs"
    runs.mkdir()
    (tmp_path / "builds").mkdir()
    record = {"run_id": "20261101T000000.000Z-abcd", "published_path": str(first)}
    (runs / "20261101T000000.000Z-abcd.json").write_text(json.dumps(record))
    for command in ([], ["rollback"]):
        assert cli.main([*command, "--duckdb-path", str(tmp_path / "hashed.duckdb")]) == 2
        error = capsys.readouterr().err
        assert (
            "already holds the runs and kept builds of another warehouse, lead_scoring.duckdb"
            in (error)
        )
    # its own records are no reason to refuse, also after the folder moved (they name the old
    # path)
    moved = tmp_path / "moved" / "lead_scoring.duckdb"
    (moved.parent / "runs").mkdir(parents=True)
    (moved.parent / "runs" / "20261101T000000.000Z-abcd.json").write_text(json.dumps(record))
    assert records.other_warehouse_in_folder(publishing.Layout(first)) is None
    assert records.other_warehouse_in_folder(publishing.Layout(moved)) is None
    assert records.other_warehouse_in_folder(publishing.Layout(moved.with_name("b.duckdb")))


def test_a_folder_given_as_the_warehouse_path_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(["--duckdb-path", str(tmp_path)]) == 2
    assert f"The warehouse path {tmp_path} is a folder" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists() and not (tmp_path / "builds").exists()


# ---------------------------------------------------------------------------------------------
# What a build changes against the file it replaces (build_comparison.py)
# ---------------------------------------------------------------------------------------------


def make_marts(
    path: Path, run_id: str, as_of: str, stages: dict[str, int], mql_ids: list[str]
) -> Path:
    """A marts-only warehouse file (like one published with --hash-pii): dim_leads with
    `stages` leads per current stage (the first half of each meeting the MQL criteria),
    fct_mqls with `mql_ids`, and ops.build_info."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema ops")
        connection.execute(
            f"create table ops.build_info as select '{run_id}' as run_id,"
            f" timestamp '{as_of}' as as_of"
        )
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.dim_leads (lead_id varchar, current_stage varchar,"
            " meets_mql_criteria boolean)"
        )
        for stage, leads in stages.items():
            connection.execute(
                "insert into marts.dim_leads select ? || i, ?, i < ? / 2 from range(?) as t(i)",
                [stage, stage, leads, leads],
            )
        connection.execute("create table marts.fct_mqls (mql_id varchar, lead_id varchar)")
        for mql_id in mql_ids:
            connection.execute("insert into marts.fct_mqls values (?, 'x')", [mql_id])
    return path


def test_the_summary_says_what_changed_against_the_published_build(tmp_path: Path) -> None:
    published = make_marts(
        tmp_path / "lead_scoring.duckdb",
        "r1",
        "2026-10-01",
        {"lead": 100, "mql": 40, "disqualified": 2},
        ["m1", "m2", "m3"],
    )
    build = make_marts(
        tmp_path / "builds" / "r2" / "lead_scoring.duckdb",
        "r2",
        "2026-11-01",
        {"lead": 130, "mql": 10, "customer": 2},
        ["m1", "m4"],
    )
    compared = build_comparison.compare(build, published, "the published build")
    assert compared["compared"] and compared["run_id"] == "r1"
    assert compared["leads_meeting_mql_criteria"] == {"before": 71, "after": 71}
    assert compared["mql_entries"] == {"before": 3, "after": 2}
    assert compared["new_mql_entries"] == 1
    assert list(compared["leads_by_stage"]) == ["lead", "mql", "customer", "disqualified"]
    assert compared["leads_by_stage"]["customer"] == {"before": 0, "after": 2}
    lines = build_comparison.summary_lines(compared)
    assert lines[0] == "Compared with the published build (run r1, as of 2026-10-01 00:00:00):"
    shown = [" ".join(line.split()) for line in lines]  # the numbers are aligned
    assert "leads meeting the MQL criteria: 71 -> 71 (no change)" in shown
    assert "MQL entries: 3 -> 2 (-1), 1 of them new" in shown
    assert shown[4:] == [
        "lead 100 -> 130 (+30)",
        "mql 40 -> 10 (-30)",
        "customer 0 -> 2 (+2)",
        "disqualified 2 -> 0 (-2)",
    ]
    assert lines[1].index("71 ->") == lines[4].index(" 100 ->") + 2
    # nothing published yet: said in one line
    first = build_comparison.compare(
        build, tmp_path / "none" / "lead_scoring.duckdb", "the published build"
    )
    assert not first["compared"]
    assert build_comparison.summary_lines(first) == [
        "Not compared with the published build: there is none yet "
        f"({tmp_path / 'none' / 'lead_scoring.duckdb'})."
    ]
    # a published build as of a later date than this one (a backfill published over it)
    backwards = build_comparison.compare(published, build, "the published build")
    assert "is as of a later date than this build, 2026-10-01 00:00:00" in "\n".join(
        build_comparison.summary_lines(backwards)
    )


def test_a_published_build_of_an_older_version_degrades_to_a_line(tmp_path: Path) -> None:
    published = make_marts(
        tmp_path / "lead_scoring.duckdb", "r1", "2026-10-01", {"lead": 5}, ["m1"]
    )
    with duckdb.connect(str(published)) as connection:
        connection.execute("alter table marts.dim_leads drop column meets_mql_criteria")
        connection.execute("alter table marts.fct_mqls drop column mql_id")
    build = make_marts(
        tmp_path / "builds" / "r2" / "lead_scoring.duckdb", "r2", "2026-11-01", {"lead": 6}, []
    )
    compared = build_comparison.compare(build, published, "the published build")
    assert compared["compared"] and compared["new_mql_entries"] is None
    assert compared["leads_meeting_mql_criteria"] == {"before": None, "after": 3}
    shown = "\n".join(" ".join(line.split()) for line in build_comparison.summary_lines(compared))
    assert "leads meeting the MQL criteria: ? -> 3\n" in shown
    assert "MQL entries: 1 -> 0 (-1)\n" in shown
    assert (
        "leads meeting the MQL criteria: not compared, the published build has no column "
        "meets_mql_criteria in marts.dim_leads" in shown
    )
    assert "new MQL entries: not counted, the published build has no column mql_id" in shown
    junk = tmp_path / "junk" / "lead_scoring.duckdb"
    junk.parent.mkdir()
    junk.write_text("not a database")
    unreadable = build_comparison.summary_lines(
        build_comparison.compare(build, junk, "the published build")
    )
    assert len(unreadable) == 1
    assert unreadable[0].startswith(f"Not compared with the published build: {junk} could not")


def test_history_shows_the_mql_criteria_before_and_after(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    done = records.RunRecord.start(runs, "20260101T000000.000Z-aaaa", "build")
    done.update(
        comparison={
            "compared": True,
            "leads_meeting_mql_criteria": {"before": 89, "after": 16},
            "new_mql_entries": 0,
        }
    )
    done.finish("published", 0)
    backfill = records.RunRecord.start(runs, "20260102T000000.000Z-bbbb", "build")
    backfill.finish("backfilled", 0)
    lines = history.history_lines(records.load_records(runs), 10, None)
    assert "meeting MQL criteria" in lines[0]
    assert "backfilled" in lines[2].split()
    assert lines[3].split()[-2:] == ["89->16", "0"]
    # a backfill is no build of the published warehouse: never a rollback candidate
    assert records.successful_builds(runs) == {done.data["run_id"]}


# ---------------------------------------------------------------------------------------------
# Backfills: an --as-of earlier than the published build's gets its own file
# ---------------------------------------------------------------------------------------------


def test_an_earlier_as_of_is_a_backfill_unless_replace_published_is_given() -> None:
    published = {"run_id": "r1", "as_of": datetime(2026, 11, 1)}

    def backfill(*argv: str) -> object:
        return incremental.backfill_of(build_options(list(argv)), published)

    assert backfill("--as-of", "2026-10-01") == datetime(2026, 11, 1)
    assert backfill("--as-of", "2026-10-31 23:59:59") == datetime(2026, 11, 1)
    assert backfill("--as-of", "2026-10-01", "--replace-published") is None
    assert backfill("--as-of", "2026-11-01") is None  # an exact re-run replaces it
    assert backfill("--as-of", "2026-12-01") is None
    assert backfill() is None  # a scheduled run computes as of now
    assert incremental.backfill_of(build_options(["--as-of", "2026-10-01"]), None) is None


def test_a_backfill_file_is_named_by_its_as_of_beside_the_warehouse(tmp_path: Path) -> None:
    layout = publishing.Layout(tmp_path / "lead_scoring.duckdb")
    folder = tmp_path / "backfills"
    assert layout.backfill_file("2026-11-01 00:00:00") == (
        folder / "as_of-2026-11-01" / "lead_scoring.duckdb"
    )
    assert layout.backfill_file("2026-11-01 08:30:00") == (
        folder / "as_of-2026-11-01T083000" / "lead_scoring.duckdb"
    )
    assert layout.backfill_file("2026-11-01 08:30:15.250000").parent.name == (
        "as_of-2026-11-01T083015.250000"
    )
    # a temporary copy a run killed while writing a backfill left goes with the next run
    leftover = folder / "as_of-2026-11-01" / ".lead_scoring.duckdb.r1.publishing"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"x")
    assert publishing.remove_leftover_temporaries(layout) == [leftover]


# ---------------------------------------------------------------------------------------------
# The run log: a warehouse folder that becomes unwritable during the run (run_log.py)
# ---------------------------------------------------------------------------------------------


def full_disk_from_now_on(path: Path) -> None:
    """Every write to the open file `path` fails from now on as on a full disk (ENOSPC)."""
    full = os.open("/dev/full", os.O_WRONLY)
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                os.dup2(full, int(fd))
    os.close(full)


def test_a_run_log_that_cannot_be_written_mid_run_ends_it_with_exit_2_and_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    layout = publishing.Layout(tmp_path / "lead_scoring.duckdb")
    record = records.RunRecord.start(layout.runs, "20261101T000000.000Z-aaaa", "build")
    console_log = logging.getLogger("a console log like dbt's")

    def work() -> int:
        # dbt's console log writes to the sys.stdout of its start: the run's tee
        handler = logging.StreamHandler(sys.stdout)
        console_log.addHandler(handler)
        try:
            print("dbt starts")
            full_disk_from_now_on(record.log_path)
            console_log.error("a model fails: could not write the build file")
            print("the run summary")
            print("Published: run 20261101T000000.000Z-aaaa")
            return 0
        finally:
            console_log.removeHandler(handler)

    assert run_log.teed_run(layout, record, work) == 2
    out, err = capsys.readouterr()
    assert "a model fails" in out and "the run summary" in out  # the console gets every line
    assert "Published" not in out  # the run stopped at the first line it could not log
    assert "--- Logging error ---" not in err + out and "Traceback" not in err + out
    assert err.strip().splitlines() == [
        f"The warehouse folder {tmp_path} could not be written during the run (the run log "
        f"{record.log_path}: No space left on device), so the run stopped. The published "
        f"warehouse {layout.published} was not touched. Free space on its disk, then rerun."
    ]
    assert [line for line in out.splitlines() if line.startswith("Result:")] == [
        "Result: dbt could not run, exit 2."
    ]
    assert out.rstrip().endswith("Result: dbt could not run, exit 2.")
    saved = json.loads(record.path.read_text())
    assert (saved["outcome"], saved["exit_code"]) == ("not_run", 2)
    assert "could not be written during the run" in saved["message"]
    assert record.log_path.read_text() == "dbt starts\n"
    assert logging.raiseExceptions  # logging reports its errors again after the run


def test_a_run_that_could_not_log_only_its_verdict_has_finished(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    layout = publishing.Layout(tmp_path / "lead_scoring.duckdb")
    record = records.RunRecord.start(layout.runs, "20261101T000000.000Z-aaaa", "build")

    def work() -> int:
        print("Published: run 20261101T000000.000Z-aaaa")
        full_disk_from_now_on(record.log_path)
        print(summary.result_line(0, []))
        record.finish("published", 0)
        return 0

    assert run_log.teed_run(layout, record, work) == 0
    out, err = capsys.readouterr()
    assert out.rstrip().endswith("Result: success, exit 0.") and err == ""


def test_a_run_log_that_cannot_be_created_ends_the_run_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    layout = publishing.Layout(tmp_path / "lead_scoring.duckdb")
    record = records.RunRecord.start(layout.runs, "20261101T000000.000Z-aaaa", "build")
    record.log_path.mkdir()  # a folder where the log should be: it cannot be opened
    assert run_log.teed_run(layout, record, lambda: 0) == 2
    out, err = capsys.readouterr()
    assert "could not be written during the run" in err and "Is a directory" in err
    assert out.strip() == "Result: dbt could not run, exit 2."


# ---------------------------------------------------------------------------------------------
# A warehouse folder that stops taking writes while dbt builds or while publishing (a full disk)
# ---------------------------------------------------------------------------------------------

FULL_DISK_RUN = "20261101T000000.000Z-dddd"


def model_result(name: str, status: str, message: str = "") -> SimpleNamespace:
    """One node result of `dbt build`, as the run reads it."""
    node = SimpleNamespace(
        resource_type="model",
        name=name,
        original_file_path=f"models/{name}.sql",
        relation_name=None,
        compiled_code=None,
        schema="marts",
        columns={},
    )
    return SimpleNamespace(
        node=node, status=status, message=message, failures=None, timing=[], execution_time=0.1
    )


class BuiltByDbt:
    """A dbt session whose `dbt build` gave `results`: the run's steps after dbt, without dbt."""

    def __init__(self, *results: SimpleNamespace) -> None:
        self.results = list(results)

    def invoke(self, arguments: list[str]) -> SimpleNamespace:
        failed = any(result.status == "error" for result in self.results)
        run_result = SimpleNamespace(results=self.results)
        return SimpleNamespace(exception=None, result=run_result, success=not failed)

    def query(self, sql: str, limit: int) -> list[dict[str, Any]]:
        return []


def built_run(published: Path, *flags: str) -> build.BuildRun:
    """A run whose dbt build wrote its build file (and dbt.log), beside a published warehouse."""
    make_database(published, "20261031T000000.000Z-aaaa")
    layout = publishing.Layout(published)
    layout.make_folders()
    locations = resolve_locations(PROJECT_DIR, published.parent / "raw", published)
    record = records.RunRecord.start(
        layout.runs, FULL_DISK_RUN, "build", published_path=str(published)
    )
    run = build.BuildRun(
        build_options(["--as-of", "2026-11-01", *flags]),
        locations,
        layout,
        FULL_DISK_RUN,
        record,
        "duckdb",
        RunProgress(sys.stdout),
    )
    run.state = RunState(as_of="2026-11-01 00:00:00")
    make_database(run.build_file, FULL_DISK_RUN)
    (run.build_dir / "dbt.log").write_text("dbt's debug log\n")
    return run


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def the_one_line(capsys: pytest.CaptureFixture, run: build.BuildRun, what: str, reason: str) -> str:
    """The line that says the folder could not be written, checked to be the only one on stderr
    and to be followed by the verdict alone; returns what it says after `what: reason`."""
    out, err = capsys.readouterr()
    assert "NOT PUBLISHED" not in out and "Result: FAILED" not in out, out
    assert out.rstrip().endswith("Result: dbt could not run, exit 2."), out
    assert "Traceback" not in err + out
    [line] = err.strip().splitlines()
    start = (
        f"The warehouse folder {run.layout.folder} could not be written during the run "
        f"({what}: {reason}), so the run stopped"
    )
    assert line.startswith(start), line
    return line.removeprefix(start)


def test_a_full_disk_while_publishing_ends_the_run_with_exit_2_and_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    published = tmp_path / "warehouse" / "lead_scoring.duckdb"
    run = built_run(published)
    before = digest(published)

    def checkpoint_on_a_full_disk(database: Path, info: dict[str, Any]) -> None:
        publishing.wal_of(database).write_bytes(b"the build info, not checkpointed")
        raise duckdb.FatalException(
            "FATAL Error: Failed to create checkpoint because of error: Could not write file "
            f'"{database}": No space left on device'
        )

    monkeypatch.setattr(publishing, "write_build_info", checkpoint_on_a_full_disk)
    built = BuiltByDbt(model_result("dim_leads", "success"))
    code = run_log.teed_run(run.layout, run.record, lambda: run.build_and_publish(built, []))
    assert code == 2
    rest = the_one_line(
        capsys, run, f"publishing the build {run.build_file}", "No space left on device"
    )
    assert rest == (
        ", and deleted its build's database files to give their space back (its dbt.log "
        f"stays). The published warehouse {published} is run 20261031T000000.000Z-aaaa. "
        "Free space on its disk, then rerun."
    )
    assert [path.name for path in run.build_dir.iterdir()] == ["dbt.log"]
    assert digest(published) == before
    saved = json.loads(run.record.path.read_text())
    assert (saved["outcome"], saved["exit_code"]) == ("not_run", 2)
    assert saved["message"].startswith(f"The warehouse folder {run.layout.folder} could not")


def test_a_run_record_that_a_full_disk_refuses_too_is_said_in_the_same_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    run = built_run(tmp_path / "warehouse" / "lead_scoring.duckdb")
    # the record's temporary file cannot be created: a folder is in its place
    run.record.path.with_name(f".{run.record.path.name}.tmp").mkdir()

    def full_disk(database: Path, info: dict[str, Any]) -> None:
        raise duckdb.IOException(f'Could not write file "{database}": No space left on device')

    monkeypatch.setattr(publishing, "write_build_info", full_disk)
    built = BuiltByDbt(model_result("dim_leads", "success"))
    code = run_log.teed_run(run.layout, run.record, lambda: run.build_and_publish(built, []))
    assert code == 2
    rest = the_one_line(
        capsys, run, f"publishing the build {run.build_file}", "No space left on device"
    )
    assert rest.endswith(
        f"Free space on its disk, then rerun. Its run record {run.record.path} could not be "
        "written either (Is a directory)."
    )


@pytest.mark.parametrize(
    ("reason", "deleted", "what_to_do"),
    [
        ("No space left on device", True, "Free space on its disk, then rerun."),
        ("Read-only file system", False, "Make its file system writable again, then rerun."),
    ],
)
def test_a_model_that_could_not_write_the_build_file_ends_the_run_with_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    reason: str,
    deleted: bool,
    what_to_do: str,
) -> None:
    run = built_run(tmp_path / "warehouse" / "lead_scoring.duckdb")
    wal = publishing.wal_of(run.build_file)
    built = BuiltByDbt(
        model_result(
            "int_events_matched_to_rules",
            "error",
            f'TransactionContext Error: Failed to commit: Could not write file "{wal}": {reason}',
        ),
        model_result("dim_leads", "skipped"),
    )
    code = run_log.teed_run(run.layout, run.record, lambda: run.build_and_publish(built, []))
    assert code == 2
    what = f"the build file {run.build_file}, by model int_events_matched_to_rules"
    rest = the_one_line(capsys, run, what, reason)
    assert rest.endswith(what_to_do)
    assert run.build_file.exists() is not deleted
    assert (run.build_dir / "dbt.log").exists()


def test_a_full_disk_while_copying_the_published_warehouse_ends_the_run_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    run = built_run(tmp_path / "warehouse" / "lead_scoring.duckdb", "--select", "dim_leads")

    def copy_until_the_disk_is_full(source: Path, destination: Path) -> None:
        Path(destination).write_bytes(b"the first blocks of the published warehouse")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build.shutil, "copyfile", copy_until_the_disk_is_full)
    code = run_log.teed_run(run.layout, run.record, lambda: run.prepare_build_file() or 0)
    assert code == 2
    what = f"the copy of the published warehouse, {run.build_file}"
    assert the_one_line(capsys, run, what, "No space left on device").startswith(", and deleted")
    assert [path.name for path in run.build_dir.iterdir()] == ["dbt.log"]


def test_a_rollback_on_a_full_disk_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    published = tmp_path / "lead_scoring.duckdb"
    layout = publishing.Layout(published)
    older, newer = "20261101T000000.000Z-aaaa", "20261102T000000.000Z-bbbb"
    for run_id in (older, newer):
        make_database(layout.build_file(run_id), run_id)
        record = records.RunRecord.start(
            layout.runs, run_id, "build", published_path=str(published)
        )
        record.finish("published", 0)
    os.link(layout.build_file(newer), published)

    def full_disk(source: Path, destination: Path, run_id: str) -> None:
        error = OSError(errno.ENOSPC, "No space left on device")
        raise publishing.PublishError(f"could not publish {source}: {error}") from error

    monkeypatch.setattr(publishing, "publish_file", full_disk)
    assert cli.main(["rollback", "--duckdb-path", str(published)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(
        f"The warehouse folder {tmp_path} could not be written during the run (publishing the "
        f"kept build {layout.build_file(older)}: No space left on device), so the run stopped."
    )
    assert line.endswith("Free space on its disk, then rerun.")
    assert layout.build_file(older).is_file()  # a kept build is never deleted
    assert publishing.read_build_info(published) == {"run_id": newer}
