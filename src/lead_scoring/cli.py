"""The `lead-scoring` console command: one subcommand per job, `run` when none is named.

    lead-scoring run [flags]        build, test and publish (build.py); also the default, so
                                    `lead-scoring --as-of 2026-11-01` and scripts/run.py's old
                                    command lines keep working
    lead-scoring history [flags]    the last runs (history.py)
    lead-scoring rollback [flags]   publish a kept build again (rollback.py)
    lead-scoring compare --rules DIR
                                    what a proposed rule set would change (compare.py)
    lead-scoring dashboard [flags]  the dashboard in a browser (dashboard/command.py)

A new subcommand is one more entry in COMMANDS: its name, one line of help, the function that
adds its flags (arguments.py) and the one that runs it with its options.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lead_scoring.arguments import (
    BuildOptions,
    CompareOptions,
    DashboardOptions,
    HistoryOptions,
    RollbackOptions,
    add_build_arguments,
    add_compare_arguments,
    add_dashboard_arguments,
    add_history_arguments,
    add_rollback_arguments,
)
from lead_scoring.exit_codes import ExitCode, exit_codes_help
from lead_scoring.locations import ProjectNotFound

PROG = "lead-scoring"
DEFAULT_COMMAND = "run"
# the default command's name in scripts/run.py's command lines (`scripts/run.py build`)
ALIASES = {"build": "run"}


@dataclass(frozen=True)
class Command:
    """One subcommand: its help line, its flags, and what it does with them."""

    summary: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def run_build(args: argparse.Namespace) -> int:
    from lead_scoring.build_command import build_command

    return build_command(BuildOptions.from_args(args))


def run_rollback(args: argparse.Namespace) -> int:
    from lead_scoring.rollback import rollback_command

    return rollback_command(RollbackOptions.from_args(args))


def run_history(args: argparse.Namespace) -> int:
    from lead_scoring.history import history_command

    return history_command(HistoryOptions.from_args(args))


def run_compare(args: argparse.Namespace) -> int:
    from lead_scoring.compare import compare_command

    return compare_command(CompareOptions.from_args(args))


def run_dashboard(args: argparse.Namespace) -> int:
    from lead_scoring.dashboard.command import dashboard_command

    return dashboard_command(DashboardOptions.from_args(args))


COMMANDS = {
    "run": Command(
        summary="build, test and publish the warehouse (the default)",
        description="Load the rule seeds, build and test the lead-scoring warehouse (dbt build) "
        "into a fresh file, and publish it when everything passed.",
        add_arguments=add_build_arguments,
        run=run_build,
    ),
    "history": Command(
        summary="list the last runs",
        description="The last runs, newest first, from the run records; * marks the build "
        "published now.",
        add_arguments=add_history_arguments,
        run=run_history,
    ),
    "rollback": Command(
        summary="publish a kept build again",
        description="Publish a kept build again, atomically: by default the newest kept build "
        "older than the one published now.",
        add_arguments=add_rollback_arguments,
        run=run_rollback,
    ),
    "compare": Command(
        summary="compare a proposed rule set with the rules in use",
        description="Build a proposed rule set (a folder of rule tables) over the published "
        "warehouse's raw data and as_of, into a scratch file that is never published, and "
        "compare it with the published warehouse: leads meeting the MQL criteria, the backtest's "
        "precision and recall, the leads gained and lost and why, and how priorities move.",
        add_arguments=add_compare_arguments,
        run=run_compare,
    ),
    "dashboard": Command(
        summary="serve the dashboard to open in a browser",
        description="Serve the dashboard (a Streamlit app) over the published warehouse, read "
        "only: funnel, conversion cohorts, the hand-off list, a lead's score explained, rules, "
        "accounts and campaigns, data quality and runs. Each page load reads the build "
        "published then; Ctrl-C stops it.",
        add_arguments=add_dashboard_arguments,
        run=run_dashboard,
    ),
}


def epilog() -> str:
    """The commands and the exit codes, for every command's --help."""
    commands = "; ".join(f"`{PROG} {name}` {command.summary}" for name, command in COMMANDS.items())
    return f"Commands: {commands}. {exit_codes_help()}"


def command_parser(name: str) -> argparse.ArgumentParser:
    command = COMMANDS[name]
    parser = argparse.ArgumentParser(
        prog=f"{PROG} {name}",
        description=command.description,
        epilog=epilog(),
    )
    command.add_arguments(parser)
    return parser


def parse_command_line(argv: Sequence[str]) -> tuple[str, argparse.Namespace]:
    """The command named by the first word (`run` when it names none) and its arguments.

    argparse itself exits 2 on a bad argument.
    """
    first = ALIASES.get(argv[0], argv[0]) if argv else None
    if first in COMMANDS:
        return first, command_parser(first).parse_args(argv[1:])
    return DEFAULT_COMMAND, command_parser(DEFAULT_COMMAND).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command of the command line; returns its exit code."""
    name, args = parse_command_line(list(sys.argv[1:] if argv is None else argv))
    try:
        return int(COMMANDS[name].run(args))
    except ProjectNotFound as error:
        print(error, file=sys.stderr)
        return ExitCode.NOT_RUN
    except KeyboardInterrupt:
        # outside dbt (dbt hands its interrupt back as a result): nothing was published, and
        # the next run marks this one's record interrupted
        print("\nInterrupted (Ctrl-C): nothing was published.", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # `lead-scoring history | head`: the reader stopped reading; not an error of the run
        # (Python's recipe: point stdout at devnull, so the flush at exit does not fail again)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.SUCCESS
