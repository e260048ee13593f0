"""What a build run decides before dbt starts, from its options and the published warehouse."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunState:
    """The run's as_of, its incremental cutoff and whether it runs the unit tests.

    `as_of` is always set: the --as-of given, the published build's (a --select build keeps it)
    or the time of the run.
    """

    as_of: str
    as_of_is_run_time: bool = False
    as_of_is_published: bool = False
    incremental_since: str | None = None
    leaves_out_unit_tests: bool = False
