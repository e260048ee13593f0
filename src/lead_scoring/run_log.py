"""The run log: everything a run prints, also written to <warehouse folder>/runs/<run_id>.log,
and what a run does when the warehouse folder stops taking it."""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lead_scoring import publishing
from lead_scoring.exit_codes import ExitCode
from lead_scoring.run_progress import RunProgress
from lead_scoring.run_records import RunRecord
from lead_scoring.summary import result_line

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class RunLogUnwritable(Exception):
    """The run log can no longer be written: the warehouse folder that holds it became
    unwritable during the run (a full disk, a read-only file system, a removed folder)."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"{path}: {error.strerror or error}")
        self.path = path
        self.reason = error.strerror or str(error)


class RunLog:
    """The run log file (without colours) that both Tees write to.

    Nothing more is written to it after a write failed: it no longer holds the whole run. It
    counts the lines written to it, so the Tees can stop the run one line later.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.failed: OSError | None = None
        self.lines = 0
        self._failed_on_line = 0
        try:
            self._file = path.open("a", encoding="utf-8")
        except OSError as error:
            raise RunLogUnwritable(path, error) from None

    def write(self, text: str) -> None:
        if self.failed is None:
            try:
                self._file.write(ANSI_ESCAPE.sub("", text))
                self._file.flush()
            except OSError as error:
                self.failed = error
                self._failed_on_line = self.lines
        self.lines += text.count("\n")

    def lost_an_earlier_line(self) -> bool:
        """Whether a line before the one just ended could not be written."""
        return self.failed is not None and self._failed_on_line < self.lines - 1

    def flush(self) -> None:
        with contextlib.suppress(OSError):
            self._file.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()


class Tee:
    """A text stream that writes to the console stream and to the run log.

    dbt's console logger writes to whatever sys.stdout is when a command starts, so replacing
    sys.stdout for the run puts dbt's log into the run log as well. The console gets every
    line. Once the run log lost a line, the end of the next one raises RunLogUnwritable: the
    run stops instead of going on with a folder it cannot write, but a run whose very last
    line (its verdict) was lost has finished (dbt's console log goes on to the console alone:
    logging swallows the error, see teed_output).
    """

    def __init__(self, stream: Any, log: RunLog) -> None:
        self._stream = stream
        self._log = log
        self.teeing = True

    def write(self, text: str) -> int:
        self._stream.write(text)
        if self.teeing:
            self._log.write(text)
            if text.endswith("\n") and self._log.lost_an_earlier_line():
                raise RunLogUnwritable(self._log.path, self._log.failed)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()
        if self.teeing:
            self._log.flush()

    def isatty(self) -> bool:
        return bool(self._stream.isatty())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def teed_output(log_path: Path) -> Iterator[None]:
    """Copy stdout and stderr into `log_path` for the duration of the block.

    Raises RunLogUnwritable when the log cannot be opened, and at the end of the line after
    one it could not write (Tee). dbt's logging (its console log through these streams, its debug
    log in builds/<run_id>/, both in the warehouse folder) would print a traceback for each of
    its lines then ('--- Logging error ---'): logging swallows its errors for the block.
    """
    log = RunLog(log_path)
    stdout, stderr = sys.stdout, sys.stderr
    tees = Tee(stdout, log), Tee(stderr, log)
    raise_exceptions = logging.raiseExceptions
    sys.stdout, sys.stderr = tees  # type: ignore[assignment]
    logging.raiseExceptions = False
    try:
        yield
    finally:
        for tee in tees:
            tee.flush()
            tee.teeing = False  # dbt's log handlers keep them: the console alone from now on
        sys.stdout, sys.stderr = stdout, stderr
        logging.raiseExceptions = raise_exceptions
        log.close()


def teed_run(layout: publishing.Layout, record: RunRecord, work: Callable[[], int]) -> int:
    """`work()`, printing into the run log too; exit 2 when the run log cannot be written."""
    try:
        with teed_output(record.log_path):
            return work()
    except RunLogUnwritable as lost:
        return folder_became_unwritable(layout, record, lost)


def teed_run_with_progress(
    layout: publishing.Layout,
    record: RunRecord,
    work: Callable[[RunProgress], int],
    verbose: bool = False,
) -> int:
    """`teed_run`, with the run's progress display for `work`.

    The display gets the console as it is before the tee (its bar's redrawing has no place in
    the run log) and a handle on the run log of its own: dbt calls it from its worker threads,
    which must not share the tee's file object.
    """
    console = sys.stdout
    try:
        progress_log = RunLog(record.log_path)
    except RunLogUnwritable as lost:
        return folder_became_unwritable(layout, record, lost)
    try:
        progress = RunProgress(console, progress_log, verbose=verbose)
        return teed_run(layout, record, lambda: work(progress))
    finally:
        progress_log.close()


def folder_became_unwritable(
    layout: publishing.Layout, record: RunRecord, lost: RunLogUnwritable
) -> int:
    """Say in one line that the warehouse folder could not be written, record it, exit 2.

    A run that had printed its verdict (only saving its record was left) keeps its exit code:
    the record's own one-line report said what could not be written.
    """
    if record.data.get("exit_code") is not None:
        return int(record.data["exit_code"])
    info = publishing.read_build_info(layout.published) or {}
    now = f"is run {info['run_id']}" if info.get("run_id") else "was not touched"
    message = (
        f"The warehouse folder {layout.folder} could not be written during the run (the run "
        f"log {lost.path}: {lost.reason}), so the run stopped. The published warehouse "
        f"{layout.published} {now}. Free space or make the folder writable again, then rerun."
    )
    sys.stdout.flush()
    print(message, file=sys.stderr, flush=True)
    record.finish("not_run", ExitCode.NOT_RUN, message)
    if record.data.get("command") == "build":  # a build ends with its verdict (rollbacks: none)
        print(result_line(ExitCode.NOT_RUN, []))
    return ExitCode.NOT_RUN
