"""A warehouse folder that stops taking writes during a run: a full disk, a quota, a read-only or
failing file system.

Whoever meets it (the run log, DuckDB writing the build file for dbt, publishing, a rollback)
raises FolderUnwritable, and the run ends not run (exit 2), saying so in one line (run_log.py):
nothing is wrong with the data or the code, and every rerun fails the same way until someone
frees space or makes the folder writable again.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator

# the errors that refuse any write to the folder, whatever is written
FULL_DISK = (errno.ENOSPC, errno.EDQUOT)
UNWRITABLE = (*FULL_DISK, errno.EROFS, errno.EIO)
WHAT_TO_DO: dict[int | None, str] = {
    errno.ENOSPC: "Free space on its disk, then rerun.",
    errno.EDQUOT: "Free space within its disk quota (or raise the quota), then rerun.",
    errno.EROFS: "Make its file system writable again, then rerun.",
    errno.EIO: "Check its disk (the operating system reported an I/O error), then rerun.",
}
WHAT_TO_DO_OTHERWISE = "Free space or make the folder writable again, then rerun."


class FolderUnwritable(Exception):
    """The warehouse folder can no longer be written: `what` the run was writing, the
    operating system's `reason`, and its error number when known."""

    def __init__(self, what: str, reason: str, code: int | None = None) -> None:
        super().__init__(f"{what}: {reason}")
        self.what = what
        self.reason = reason
        self.code = code

    @classmethod
    def from_os_error(cls, what: str, error: OSError) -> FolderUnwritable:
        return cls(what, error.strerror or str(error), error.errno)

    @property
    def disk_is_full(self) -> bool:
        return self.code in FULL_DISK

    def what_to_do(self) -> str:
        return WHAT_TO_DO.get(self.code, WHAT_TO_DO_OTHERWISE)


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and the errors it was raised from (`raise ... from`)."""
    current: BaseException | None = error
    while current is not None:
        yield current
        current = current.__cause__


def unwritable_code_named_in(text: str) -> int | None:
    """The error number whose message `text` quotes, among UNWRITABLE.

    DuckDB reports a write the operating system refused with the system's message in its own
    error's text ('Could not write file "...": No space left on device'), and dbt hands a
    model's error on as text only.
    """
    for code in UNWRITABLE:
        if os.strerror(code) in text:
            return code
    return None


def unwritable_folder_named_in(what: str, text: str) -> FolderUnwritable | None:
    """FolderUnwritable when an error's `text` says the folder cannot be written, else None."""
    code = unwritable_code_named_in(text)
    return None if code is None else FolderUnwritable(what, os.strerror(code), code)


def unwritable_folder(what: str, error: BaseException) -> FolderUnwritable | None:
    """FolderUnwritable when `error` (or an error it came from) says the folder cannot be
    written, else None: then it is an error of what was written, not of where."""
    for cause in causes(error):
        if isinstance(cause, OSError) and cause.errno in UNWRITABLE:
            return FolderUnwritable.from_os_error(what, cause)
    return unwritable_folder_named_in(what, str(error))
