"""The run lock: one run at a time per warehouse (P.lock, a flock held for the whole run), who
holds it, and what a run that finds it taken says."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from lead_scoring import publishing
from lead_scoring.exit_codes import ExitCode
from lead_scoring.processes import process_is_alive
from lead_scoring.run_records import RunRecord
from lead_scoring.summary import result_line


class LockHeld(Exception):
    """Another live process holds the run lock."""

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        super().__init__(str(path))
        self.path = path
        self.holder = holder

    def describe(self) -> str:
        return describe_holder(self.holder)


def describe_holder(holder: dict[str, Any]) -> str:
    """'run 20261123T021500.123Z-4f (build, pid 4242, started 2026-11-23 02:15:00 UTC)'."""
    if not holder:
        return "a run that did not say who it is"
    details = [str(holder["command"])] if holder.get("command") else []
    if holder.get("pid"):
        details.append(f"pid {holder['pid']}")
    if holder.get("host"):
        details.append(f"host {holder['host']}")
    if holder.get("started_at"):
        details.append(f"started {holder['started_at']}")
    return f"run {holder.get('run_id', '?')} ({', '.join(details)})"


class RunLock:
    """An exclusive, non-blocking flock on P.lock, held for a whole run.

    The kernel drops a flock when its process dies, however it dies (SIGKILL included), so a
    killed run never blocks the next one. The file also records who holds the lock; it is
    emptied on a clean release, so text found in it when the lock is free was left by a run
    that died (reported as recovered).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, holder: dict[str, Any]) -> dict[str, Any] | None:
        """Take the lock, or raise LockHeld. Returns what a dead holder left, if anything."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                # The holder may have the lock but not yet its note (the file may still hold a
                # dead run's): give it a moment.
                raise LockHeld(
                    self.path, read_holder(self.path, wait_seconds=2.0, live_only=True)
                ) from None
            raise
        left_behind = read_holder(self.path)
        note = (json.dumps(holder) + "\n").encode()
        os.pwrite(fd, note, 0)  # then cut what is left of an older, longer note
        os.ftruncate(fd, len(note))
        os.fsync(fd)
        self._fd = fd
        return left_behind or None

    def release(self) -> None:
        """Empty the file (a clean end) and drop the lock."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)
        self._fd = None


def read_holder(path: Path, wait_seconds: float = 0.0, live_only: bool = False) -> dict[str, Any]:
    """What the lock file says about its holder ({} when empty or unreadable).

    With `wait_seconds`, an empty or half-written note is read again until it is whole; with
    `live_only` too, so is a note naming a process of this host that no longer runs (a dead
    run's note, not yet overwritten by the run that just took the lock). At the deadline the
    last note read is returned as it is.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            text = path.read_text().strip()
            value = json.loads(text) if text else None
        except (OSError, ValueError):
            value = None
        whole = isinstance(value, dict)
        if whole and not (live_only and names_a_dead_local_process(value)):
            return value
        if time.monotonic() >= deadline:
            return value if whole else {}
        time.sleep(0.05)


def names_a_dead_local_process(holder: dict[str, Any]) -> bool:
    """The note names a pid of this host that no process has now."""
    if holder.get("host") != os.uname().nodename:
        return False
    return isinstance(holder.get("pid"), int) and not process_is_alive(holder["pid"])


def lock_holder(run_id: str, command: str) -> dict[str, Any]:
    """What the lock file says while this run holds it."""
    return {
        "run_id": run_id,
        "command": command,
        "pid": os.getpid(),
        "host": os.uname().nodename,
        "started_at": publishing.timestamp_text(publishing.utc_now()),
    }


def locked_out(layout: publishing.Layout, run_id: str, command: str, held: LockHeld) -> ExitCode:
    """Say who holds the lock, record the refused run, and return exit code 3."""
    message = (
        f"Another run holds the lock {held.path}: {held.describe()}. This {command} ({run_id}) "
        f"exits without doing anything; the published warehouse {layout.published} is unchanged. "
        "Start runs further apart, or wait for that one to finish (a killed run's lock is "
        "released when its process dies)."
    )
    print(message, file=sys.stderr)
    print(result_line(ExitCode.LOCKED, []))
    record = RunRecord.start(layout.runs, run_id, command, save=False, lock_holder=held.holder)
    record.finish("locked_out", ExitCode.LOCKED, message)
    return ExitCode.LOCKED


def lock_failed(layout: publishing.Layout, error: OSError) -> ExitCode:
    """The run lock could not be written (a read-only folder, no permission): nothing ran."""
    print(
        f"Could not take the run lock {layout.lock}: {error.strerror or error}. The warehouse "
        f"folder {layout.folder} must be writable by the user who runs the build. Nothing ran; "
        "the published warehouse is unchanged.",
        file=sys.stderr,
    )
    return ExitCode.NOT_RUN
