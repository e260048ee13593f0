"""The exit codes of `lead-scoring`: one list that --help, the README and the docs follow.

tests/test_docs.py checks that README.md, docs/operations.md and docs/contract.md list exactly
these codes with these meanings.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a command's exit code tells the scheduler; `meaning` is its one line."""

    SUCCESS = 0
    FAILED = 1
    NOT_RUN = 2
    LOCKED = 3
    # the shell's code for a run stopped by SIGINT (Ctrl-C): 128 + 2
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        return MEANINGS[self]


MEANINGS = {
    ExitCode.SUCCESS: "success: built, every error-level test passed (warnings allowed), "
    "published; a rollback republished a kept build; history listed the runs; compare built "
    "and compared the proposal",
    ExitCode.FAILED: "failed: a seed, model, test, hook or the source freshness check failed, "
    "or the build could not be published, or a compare proposal is invalid; nothing was "
    "published",
    ExitCode.NOT_RUN: "not run: bad arguments, an unknown target, a project that does not "
    "parse, a raw file or column missing or unreadable, a warehouse folder that cannot be used "
    "(also one that becomes unwritable during the run), or nothing to roll back to",
    ExitCode.LOCKED: "locked: another run holds the lock; nothing was done",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C); nothing was published",
}


def exit_codes_help() -> str:
    """The exit codes as one paragraph, for the epilog of --help."""
    return "Exit codes: " + "; ".join(f"{code.value} {code.meaning}" for code in ExitCode) + "."


def exit_codes_table() -> list[str]:
    """The exit codes as the Markdown table the docs carry."""
    rows = [f"| {code.value} | {code.meaning} |" for code in ExitCode]
    return ["| exit code | meaning |", "| --- | --- |", *rows]
