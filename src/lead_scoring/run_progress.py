"""What a person sees while a run works: its steps, dbt's progress through the nodes, the times.

On a terminal each step shows a live bar: the step, done/total dbt nodes, how many passed,
warned and failed, and the time so far; when the step ends the bar gives way to one line that
stays. Anywhere else (cron, CI, a pipe, a file) the same news comes as plain lines without any
terminal code: one when a step starts, a progress line now and then during a dbt command, and
one when it ends. dbt's own console stays quiet (`dbt_console_flags`): its log lines go to the
run log as they happen, and to the console too when `verbose` is set; its debug log keeps going
to dbt.log in the folder of `--log-path`.

The display goes to stdout, the stream the run's summary is printed on: in a cron or CI log the
progress lines then come in order with the lines before and after them, in one buffered stream.

    progress = RunProgress(console=sys.stdout, log=run_log)
    runner = dbtRunner(callbacks=[progress.handle_dbt_event])
    with progress.step("dbt build"):
        runner.invoke(["build", *dbt_console_flags(), ...])
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from dbt_common.events.functions import env_scrubber
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

# A plain progress line comes at most this often, and only once another tenth of the nodes has
# finished: a build of a few seconds says little, a long one about ten lines.
PLAIN_LINE_INTERVAL_SECONDS = 10.0
PLAIN_LINE_STEPS = 10

# dbt's node kinds (resource_type), in the order they are counted, as (one, many).
KIND_NAMES = {
    "seed": ("seed", "seeds"),
    "model": ("model", "models"),
    "snapshot": ("snapshot", "snapshots"),
    "test": ("test", "tests"),
    "unit_test": ("unit test", "unit tests"),
    "source": ("source", "sources"),
    "exposure": ("exposure", "exposures"),
}

# A finished node's status (dbt's NodeStatus values) as the outcome the display counts; any other
# status ('skipped', 'no-op') is counted under its own name.
OUTCOME_OF_STATUS = {
    "success": "passed",
    "pass": "passed",
    "warn": "warned",
    "error": "failed",
    "fail": "failed",
    "runtime error": "failed",
    "partial success": "failed",
}
# Always shown, even at 0: a reader looks for the failures first.
SHOWN_OUTCOMES = ("passed", "warned", "failed")

# The event that starts a node's line ('12 of 245 START ...') carries the command's node total.
TOTAL_EVENT = "LogStartLine"
# One per node, whatever became of it (skipped nodes too), with its kind and status.
FINISHED_EVENT = "NodeFinished"
# Levels of the events dbt's console prints by default (--log-level info).
CONSOLE_LEVELS = frozenset({"info", "warn", "error"})
# The rows `dbt show` and the SQL `dbt compile` return: data for the caller, who reads them from
# the event, not lines of a log (the summary prints what it needs of them).
RESULT_EVENTS = frozenset({"ShowNode", "CompiledNode"})


def dbt_console_flags() -> list[str]:
    """The flags that move dbt's output off the console, for every dbt command of a run.

    `--log-level none` removes dbt's console logger; alone it would also empty dbt.log, whose
    level follows --log-level unless it is set: `--log-level-file debug` keeps it whole. Without
    colours the lines `RunProgress` copies from dbt's events, and dbt.log, hold no terminal codes.
    """
    return [
        "--log-level",
        "none",
        "--log-level-file",
        "debug",
        "--no-use-colors",
        "--no-use-colors-file",
    ]


def can_redraw(stream: TextIO) -> bool:
    """Whether `stream` is a terminal that can redraw a line (a dumb terminal cannot)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def dbt_log_line(event: Any) -> str | None:
    """An event as dbt's console would print it ('16:45:55  1 of 245 START ...'), or None.

    None for the debug events, which only dbt.log gets, and for the results of `dbt show` and
    `dbt compile`. The time is the event's, in UTC as dbt
    prints it; secrets from the environment are masked as dbt masks them.
    """
    if event.info.level not in CONSOLE_LEVELS or event.info.name in RESULT_EVENTS:
        return None
    stamp = event.info.ts.ToDatetime().strftime("%H:%M:%S")
    return f"{stamp}  {env_scrubber(event.info.msg)}"


def counted(number: int, one: str, many: str) -> str:
    """'1 seed', '3 seeds'."""
    return f"{number} {one if number == 1 else many}"


@dataclass
class NodeCounts:
    """The dbt nodes of one step: how many there are, and how each finished one ended."""

    totals: dict[str, int] = field(default_factory=dict)  # invocation id -> its node total
    finished: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, outcome)

    @property
    def total(self) -> int | None:
        """All the nodes of the step's dbt commands; None before any command has started one."""
        return sum(self.totals.values()) if self.totals else None

    @property
    def done(self) -> int:
        return sum(self.finished.values())

    def outcomes(self) -> Counter[str]:
        result: Counter[str] = Counter()
        for (_, outcome), number in self.finished.items():
            result[outcome] += number
        return result

    def kinds(self) -> Counter[str]:
        result: Counter[str] = Counter()
        for (kind, _), number in self.finished.items():
            result[kind] += number
        return result

    def outcomes_text(self) -> str:
        """'118 passed, 2 warned, 0 failed' (then any other outcome seen, e.g. '3 skipped')."""
        outcomes = self.outcomes()
        names = [*SHOWN_OUTCOMES, *sorted(set(outcomes) - set(SHOWN_OUTCOMES))]
        return ", ".join(f"{outcomes[name]} {name}" for name in names)

    def kinds_text(self) -> str:
        """'5 seeds, 37 models, 138 tests, 61 unit tests', in dbt's order of kinds."""
        kinds = self.kinds()
        order = [*KIND_NAMES, *sorted(set(kinds) - set(KIND_NAMES))]
        return ", ".join(
            counted(kinds[kind], *KIND_NAMES.get(kind, (kind, kind + "s")))
            for kind in order
            if kinds[kind]
        )

    def progress_text(self) -> str:
        """'120/245 nodes (48%): 118 passed, 2 warned, 0 failed'; '' for a step without nodes."""
        total = self.total
        if total is None:
            return ""
        share = f" ({self.done * 100 // total}%)" if total else ""
        return f"{self.done}/{total} nodes{share}: {self.outcomes_text()}"


def seconds_text(seconds: float) -> str:
    return f"{seconds:.1f} s"


def end_line(name: str, seconds: float, counts: NodeCounts, completed: bool) -> str:
    """The line a step leaves: how long it took and what became of its nodes."""
    how = (
        f"done in {seconds_text(seconds)}"
        if completed
        else f"stopped after {seconds_text(seconds)}"
    )
    if counts.total is None:
        return f"{name}: {how}"
    return (
        f"{name}: {how}, {counts.done}/{counts.total} nodes: {counts.kinds_text()}; "
        f"{counts.outcomes_text()}"
    )


@dataclass
class Step:
    """The step under way."""

    name: str
    started: float
    last_line_at: float
    counts: NodeCounts = field(default_factory=NodeCounts)
    last_line_tenth: int = 0


class StepBar:
    """The live bar of one step on a terminal; the step's end line replaces it."""

    def __init__(self, console: Console, name: str) -> None:
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TextColumn("{task.fields[nodes]}", markup=False),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            # Output printed meanwhile must keep its own stream: the run log copies stdout.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._progress.add_task(name, total=None, nodes="")
        self._progress.start()

    def show(self, counts: NodeCounts) -> None:
        self._progress.update(
            self._task,
            total=counts.total,
            completed=counts.done,
            nodes=counts.progress_text(),
            refresh=True,
        )

    def close(self, line: str) -> None:
        self._progress.stop()
        self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)


class RunProgress:
    """The run's progress display, fed with the run's steps and with dbt's events.

    `console` gets the display: a live bar per step when it is a terminal that can redraw
    (`terminal` overrides the check), plain lines otherwise, and dbt's log lines instead of the
    bar with `verbose`. Give it the console itself, not a stream that also copies into the run
    log: the bar's redrawing has no place in a log, and `log` gets the lines that belong there.
    `log` (the run log), when given, gets the steps' start and end lines and every dbt log
    line, as plain text. `handle_dbt_event` is called from dbt's worker threads.
    """

    def __init__(
        self,
        console: TextIO,
        log: TextIO | None = None,
        *,
        verbose: bool = False,
        terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._console = console
        self._log = log
        self._verbose = verbose
        self._terminal = can_redraw(self._console) if terminal is None else terminal
        self._clock = clock
        self._lock = threading.Lock()
        self._step: Step | None = None
        self._bar: StepBar | None = None

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """One step of the run ('checking raw files', 'dbt build', ...) for the `with` body.

        Steps follow one another; they do not nest.
        """
        started = self._clock()
        step = Step(name=name, started=started, last_line_at=started)
        with self._lock:
            self._step = step
            self._write_log(f"{name}: started")
            if self._terminal and not self._verbose:
                self._bar = StepBar(self._rich_console(), name)
            else:
                self._write_console(f"{name}: started")
        completed = False
        try:
            yield
            completed = True
        finally:
            self._end_step(step, completed)

    def handle_dbt_event(self, event: Any) -> None:
        """A dbtRunner callback: counts the nodes and copies dbt's log lines."""
        line = dbt_log_line(event)
        with self._lock:
            if line is not None:
                self._write_log(line)
                if self._verbose:
                    self._write_console(line)
            if self._step is not None and self._count(self._step.counts, event):
                self._show_progress(self._step)

    def _count(self, counts: NodeCounts, event: Any) -> bool:
        """Adds the event to the step's counts; whether it changed them."""
        name = event.info.name
        if name == TOTAL_EVENT and event.info.invocation_id not in counts.totals:
            counts.totals[event.info.invocation_id] = event.data.total
            return True
        if name == FINISHED_EVENT:
            status = event.data.run_result.status
            kind = event.data.node_info.resource_type
            counts.finished[(kind, OUTCOME_OF_STATUS.get(status, status))] += 1
            return True
        return False

    def _show_progress(self, step: Step) -> None:
        if self._bar is not None:
            self._bar.show(step.counts)
        elif not self._verbose and self._plain_line_due(step):
            self._write_console(
                f"{step.name}: {step.counts.progress_text()}, "
                f"{seconds_text(self._clock() - step.started)}"
            )

    def _plain_line_due(self, step: Step) -> bool:
        """Whether another tenth of the nodes and the interval have passed since the last line."""
        total = step.counts.total
        if not total:
            return False
        tenth = step.counts.done * PLAIN_LINE_STEPS // total
        now = self._clock()
        if tenth <= step.last_line_tenth or now - step.last_line_at < PLAIN_LINE_INTERVAL_SECONDS:
            return False
        step.last_line_tenth, step.last_line_at = tenth, now
        return True

    def _end_step(self, step: Step, completed: bool) -> None:
        with self._lock:
            line = end_line(step.name, self._clock() - step.started, step.counts, completed)
            self._write_log(line)
            if self._bar is not None:
                self._bar.close(line)
            else:
                self._write_console(line)
            self._step, self._bar = None, None

    def _rich_console(self) -> Console:
        # The check for a terminal is ours: rich alone would take FORCE_COLOR or TTY_COMPATIBLE
        # in the environment (set by some CI systems) as a terminal, and write its codes to a log.
        return Console(file=self._console, force_terminal=True)

    def _write_console(self, line: str) -> None:
        self._console.write(line + "\n")
        self._console.flush()

    def _write_log(self, line: str) -> None:
        if self._log is not None:
            self._log.write(line + "\n")
            self._log.flush()
