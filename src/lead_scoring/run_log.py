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
from lead_scoring.unwritable_folder import FolderUnwritable

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def run_log_unwritable(path: Path, error: OSError) -> FolderUnwritable:
    """The run log can no longer be written: the warehouse folder that holds it became
    unwritable during the run (a full disk, a read-only file system, a removed folder)."""
    return FolderUnwritable.from_os_error(f"the run log {path}", error)


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
            raise run_log_unwritable(path, error) from None

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
    line. Once the run log lost a line, the end of the next one raises FolderUnwritable: the
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
                raise run_log_unwritable(self._log.path, self._log.failed)
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

    Raises FolderUnwritable when the log cannot be opened, and at the end of the line after
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
    """`work()`, printing into the run log too; exit 2 when the warehouse folder stops taking
    writes (the run log's, or those of the build or publishing: FolderUnwritable)."""
    try:
        with teed_output(record.log_path):
            return work()
    except FolderUnwritable as lost:
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
    except FolderUnwritable as lost:
        return folder_became_unwritable(layout, record, lost)
    try:
        progress = RunProgress(console, progress_log, verbose=verbose)
        return teed_run(layout, record, lambda: work(progress))
    finally:
        progress_log.close()


def folder_became_unwritable(
    layout: publishing.Layout, record: RunRecord, lost: FolderUnwritable
) -> int:
    """Say in one line that the warehouse folder could not be written and what to do, record
    it, exit 2.

    On a full disk the failed build's database files go first: they hold the space the run
    record, and the next run, need. A record that cannot be written either is said in the same
    line. A run that had printed its verdict (only saving its record was left) keeps its exit
    code: the record's own one-line report said what could not be written.
    """
    if record.data.get("exit_code") is not None:
        return int(record.data["exit_code"])
    freed = freed_failed_build(layout, record, lost)
    info = publishing.read_build_info(layout.published) or {}
    now = f"is run {info['run_id']}" if info.get("run_id") else "was not touched"
    message = (
        f"The warehouse folder {layout.folder} could not be written during the run "
        f"({lost.what}: {lost.reason}), so the run stopped{freed}. The published warehouse "
        f"{layout.published} {now}. {lost.what_to_do()}"
    )
    record.end("not_run", ExitCode.NOT_RUN, message)
    try:
        record.write()
    except OSError as error:
        message += (
            f" Its run record {record.path} could not be written either "
            f"({error.strerror or error})."
        )
    sys.stdout.flush()
    print(message, file=sys.stderr, flush=True)
    if record.data.get("command") == "build":  # a build ends with its verdict (rollbacks: none)
        print(result_line(ExitCode.NOT_RUN, []))
    return ExitCode.NOT_RUN


def freed_failed_build(layout: publishing.Layout, record: RunRecord, lost: FolderUnwritable) -> str:
    """On a full disk, delete the failed build's database files (dbt's log stays); the words
    that say so in the run's last line, or nothing."""
    if not lost.disk_is_full or record.data.get("command") != "build":
        return ""
    if not publishing.remove_build_database(layout, str(record.data["run_id"])):
        return ""
    return (
        f", and deleted its build's database files to give their space back (its "
        f"{publishing.DBT_LOG} stays)"
    )
