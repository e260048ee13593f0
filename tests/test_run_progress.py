"""The run's progress display (src/lead_scoring/run_progress.py).

The events are dbt's own (dbt.events.types, as dbtRunner hands them to its callbacks); the last
test runs a real `dbt build` of a tiny project through a pipe.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from dbt.events.types import LogStartLine, NodeFinished, ShowNode
from dbt_common.events.base_types import msg_from_base_event

from lead_scoring.run_progress import RunProgress

TERMINAL_CODE = "\x1b["
TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def start_line(index: int, total: int, invocation: str | None = None) -> Any:
    """dbt's '1 of 4 START ...' event of a model, which carries the command's node total."""
    event = msg_from_base_event(
        LogStartLine(
            description="sql table model main.colour_names",
            index=index,
            total=total,
            node_info={"unique_id": "model.demo.colour_names", "resource_type": "model"},
        )
    )
    if invocation is not None:
        event.info.invocation_id = invocation
    return event


def finished(kind: str, status: str) -> Any:
    """dbt's NodeFinished event of one node of `kind` that ended with `status`."""
    return msg_from_base_event(
        NodeFinished(
            node_info={"unique_id": f"{kind}.demo.node", "resource_type": kind},
            run_result={"status": status},
        )
    )


def feed(progress: RunProgress, *events: Any) -> None:
    for event in events:
        progress.handle_dbt_event(event)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_a_step_counts_its_nodes_per_kind_and_outcome() -> None:
    console, clock = io.StringIO(), FakeClock()
    progress = RunProgress(console, clock=clock)
    with progress.step("dbt build"):
        feed(
            progress,
            start_line(1, 6),
            finished("seed", "success"),
            finished("unit_test", "pass"),
            finished("model", "success"),
            finished("test", "pass"),
            finished("test", "warn"),
            finished("test", "fail"),
        )
        clock.now = 4.3
    assert lines(console) == [
        "dbt build: started",
        "dbt build: done in 4.3 s, 6/6 nodes: 1 seed, 1 model, 3 tests, 1 unit test; "
        "4 passed, 1 warned, 1 failed",
    ]


def test_skipped_and_errored_nodes_are_counted_apart() -> None:
    console = io.StringIO()
    progress = RunProgress(console, clock=FakeClock())
    with progress.step("dbt build"):
        feed(
            progress,
            start_line(1, 4),
            finished("model", "error"),
            finished("model", "skipped"),
            finished("test", "skipped"),
            finished("exposure", "no-op"),
        )
    assert lines(console)[-1] == (
        "dbt build: done in 0.0 s, 4/4 nodes: 2 models, 1 test, 1 exposure; "
        "0 passed, 0 warned, 1 failed, 1 no-op, 2 skipped"
    )


def test_the_total_adds_up_the_dbt_commands_of_a_step() -> None:
    console = io.StringIO()
    progress = RunProgress(console, clock=FakeClock())
    with progress.step("dbt build"):
        # every node's start line repeats the total: only each command's first one counts
        feed(progress, start_line(1, 2, "first"), start_line(2, 2, "first"))
        feed(progress, start_line(1, 3, "second"), finished("model", "success"))
    assert "1/5 nodes" in lines(console)[-1]


def test_each_step_counts_only_its_own_nodes() -> None:
    console = io.StringIO()
    progress = RunProgress(console, clock=FakeClock())
    with progress.step("source freshness"):
        feed(progress, start_line(1, 1), finished("source", "pass"))
    with progress.step("dbt build"):
        feed(progress, start_line(1, 2), finished("model", "success"))
    assert lines(console) == [
        "source freshness: started",
        "source freshness: done in 0.0 s, 1/1 nodes: 1 source; 1 passed, 0 warned, 0 failed",
        "dbt build: started",
        "dbt build: done in 0.0 s, 1/2 nodes: 1 model; 1 passed, 0 warned, 0 failed",
    ]


def test_a_step_without_dbt_nodes_says_how_long_it_took() -> None:
    console, clock = io.StringIO(), FakeClock()
    progress = RunProgress(console, clock=clock)
    with progress.step("checking raw files"):
        clock.now = 1.04
    assert lines(console) == ["checking raw files: started", "checking raw files: done in 1.0 s"]


def test_a_step_stopped_by_an_interrupt_says_so() -> None:
    console, clock = io.StringIO(), FakeClock()
    progress = RunProgress(console, clock=clock)
    with pytest.raises(KeyboardInterrupt), progress.step("dbt build"):
        feed(progress, start_line(1, 10), finished("model", "success"))
        clock.now = 2.0
        raise KeyboardInterrupt
    assert lines(console)[-1] == (
        "dbt build: stopped after 2.0 s, 1/10 nodes: 1 model; 1 passed, 0 warned, 0 failed"
    )


def test_plain_progress_lines_come_each_tenth_and_no_more_often_than_every_10_seconds() -> None:
    console, clock = io.StringIO(), FakeClock()
    progress = RunProgress(console, clock=clock)

    def finish(nodes: int, at: float) -> None:
        clock.now = at
        feed(progress, *(finished("model", "success") for _ in range(nodes)))

    with progress.step("dbt build"):
        feed(progress, start_line(1, 100))
        finish(25, at=5.0)  # two tenths, but too soon
        finish(1, at=12.0)  # a tenth more and 10 s on: a line
        finish(3, at=30.0)  # still in the same tenth
        finish(1, at=31.0)  # 30 %: a line
        finish(10, at=35.0)  # 40 %, but too soon after the last line
        finish(60, at=50.0)  # a line at the first of these, then not again so soon
    assert lines(console)[1:-1] == [
        "dbt build: 26/100 nodes (26%): 26 passed, 0 warned, 0 failed, 12.0 s",
        "dbt build: 30/100 nodes (30%): 30 passed, 0 warned, 0 failed, 31.0 s",
        "dbt build: 41/100 nodes (41%): 41 passed, 0 warned, 0 failed, 50.0 s",
    ]


def test_dbt_lines_go_to_the_log_and_not_to_the_console() -> None:
    console, log = io.StringIO(), io.StringIO()
    progress = RunProgress(console, log, clock=FakeClock())
    with progress.step("dbt build"):
        feed(progress, start_line(1, 1), finished("model", "success"))
    assert not [line for line in lines(console) if "START" in line]
    log_lines = lines(log)
    assert log_lines[0] == "dbt build: started"
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d  1 of 1 START sql table model main\.colour_names \.+ \[RUN\]",
        log_lines[1],
    )
    # the debug event (NodeFinished) is dbt.log's, not the run log's
    assert len(log_lines) == 3
    assert log_lines[2].startswith("dbt build: done in")


def test_the_rows_of_a_dbt_show_are_no_log_line() -> None:
    console, log = io.StringIO(), io.StringIO()
    progress = RunProgress(console, log, verbose=True, clock=FakeClock())
    rows = msg_from_base_event(
        ShowNode(
            node_name="inline_query",
            preview='[{"email": "ada@example.com"}]',
            is_inline=True,
            output_format="json",
            unique_id="sql_operation.demo.inline_query",
        )
    )
    progress.handle_dbt_event(rows)
    assert console.getvalue() == log.getvalue() == ""


def test_verbose_prints_dbt_lines_live_instead_of_the_bar() -> None:
    console, log = io.StringIO(), io.StringIO()
    progress = RunProgress(console, log, verbose=True, terminal=True, clock=FakeClock())
    with progress.step("dbt build"):
        feed(progress, start_line(1, 1))
        assert "1 of 1 START sql table model main.colour_names" in lines(console)[-1]
        feed(progress, finished("model", "success"))
    assert TERMINAL_CODE not in console.getvalue()
    assert lines(console) == lines(log)


def test_the_bar_on_a_terminal_shows_the_step_and_its_counts() -> None:
    console = io.StringIO()
    progress = RunProgress(console, terminal=True, clock=FakeClock())
    with progress.step("dbt build"):
        feed(
            progress,
            start_line(1, 4),
            finished("model", "success"),
            finished("test", "warn"),
            finished("test", "fail"),
        )
        drawn = console.getvalue()
    assert TERMINAL_CODE in drawn, "a terminal gets the live bar"
    bar = TERMINAL_CODES.sub("", drawn)
    assert "dbt build" in bar
    assert "3/4 nodes (75%): 1 passed, 1 warned, 1 failed" in bar
    assert "dbt build: started" not in bar
    after = TERMINAL_CODES.sub("", console.getvalue())
    assert after.rstrip().endswith(
        "dbt build: done in 0.0 s, 3/4 nodes: 1 model, 2 tests; 1 passed, 1 warned, 1 failed"
    )


PIPED_SCRIPT = textwrap.dedent(
    """
    import sys
    from dbt.events.types import LogStartLine, NodeFinished, ShowNode
    from dbt_common.events.base_types import msg_from_base_event
    from lead_scoring.run_progress import RunProgress

    progress = RunProgress(sys.stdout)
    with progress.step("dbt build"):
        progress.handle_dbt_event(msg_from_base_event(LogStartLine(
            description="model", index=1, total=1, node_info={"resource_type": "model"})))
        progress.handle_dbt_event(msg_from_base_event(NodeFinished(
            node_info={"resource_type": "model"}, run_result={"status": "success"})))
    """
)


def test_output_through_a_pipe_has_no_terminal_codes() -> None:
    # Some CI systems set these; rich alone would then draw its bar into the pipe.
    environment = {**os.environ, "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "TERM": "xterm"}
    result = subprocess.run(
        [sys.executable, "-c", PIPED_SCRIPT],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=120,
    )
    assert TERMINAL_CODE not in result.stdout + result.stderr
    assert re.fullmatch(
        r"dbt build: started\n"
        r"dbt build: done in \d+\.\d s, 1/1 nodes: 1 model; 1 passed, 0 warned, 0 failed\n",
        result.stdout,
    ), result.stdout


# ---------------------------------------------------------------------------------------------
# A real dbt build, through a pipe
# ---------------------------------------------------------------------------------------------

TINY_PROJECT = {
    "dbt_project.yml": """
        name: tiny
        version: "1.0.0"
        profile: tiny
    """,
    "profiles.yml": """
        tiny:
          target: dev
          outputs:
            dev:
              type: duckdb
              path: "{{ env_var('TINY_DUCKDB_PATH') }}"
              threads: 2
    """,
    "seeds/colours.csv": """
        colour_id,name
        1,red
        2,blue
    """,
    "models/colour_names.sql": """
        select colour_id, upper(name) as name from {{ ref('colours') }}
    """,
    "models/_models.yml": """
        models:
          - name: colour_names
            columns:
              - name: colour_id
                data_tests: [not_null]
              - name: name
                data_tests:
                  - accepted_values:
                      arguments: {values: ["RED"]}
                      config: {severity: warn}
        unit_tests:
          - name: names_are_upper_cased
            model: colour_names
            given:
              - input: ref('colours')
                rows: [{colour_id: 1, name: red}]
            expect:
              rows: [{colour_id: 1, name: RED}]
    """,
    "tests/no_colour_one.sql": """
        select * from {{ ref('colour_names') }} where colour_id = 1
    """,
}

BUILD_SCRIPT = textwrap.dedent(
    """
    import sys
    from dbt.cli.main import dbtRunner
    from lead_scoring.run_progress import RunProgress, dbt_console_flags

    project, run_log = sys.argv[1], sys.argv[2]
    with open(run_log, "w", encoding="utf-8") as log:
        progress = RunProgress(sys.stdout, log)
        runner = dbtRunner(callbacks=[progress.handle_dbt_event])
        with progress.step("dbt build"):
            runner.invoke(["build", "--project-dir", project, "--profiles-dir", project,
                           "--log-path", project + "/logs", *dbt_console_flags()])
    """
)


@pytest.mark.slow
def test_a_dbt_build_shows_only_the_progress_and_keeps_dbt_s_log(tmp_path: Path) -> None:
    project = tmp_path / "tiny"
    for name, text in TINY_PROJECT.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    run_log = tmp_path / "run.log"
    environment = {**os.environ, "TINY_DUCKDB_PATH": str(tmp_path / "tiny.duckdb")}
    result = subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, str(project), str(run_log)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        check=True,
        timeout=300,
    )
    # the console: the step's lines only, none of dbt's
    assert result.stderr == ""
    console = result.stdout.splitlines()
    assert console[0] == "dbt build: started"
    assert re.fullmatch(
        r"dbt build: done in \d+\.\d s, 6/6 nodes: 1 seed, 1 model, 3 tests, 1 unit test; "
        r"4 passed, 1 warned, 1 failed",
        console[-1],
    ), console
    assert len(console) == 2, console
    # the run log: dbt's lines as its console would have shown them, without colours
    logged = run_log.read_text(encoding="utf-8")
    assert "1 of 6 START seed file main.colours" in logged
    assert "Done. PASS=4 WARN=1 ERROR=1 SKIP=0" in logged
    # dbt.log: the whole debug log, without colours
    dbt_log = (project / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "[debug]" in dbt_log
    assert "START seed file main.colours" in dbt_log
    for output in (result.stdout, logged, dbt_log):
        assert TERMINAL_CODE not in output
